package dev.baton.internal.tls;

import dev.baton.tls.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The server's private key and certificate chain, read from PEM files or a keystore and
 * checked to belong together: a certificate renewed without its key (or the reverse) is refused
 * when it is loaded, by either provider, not at the first handshake.
 */
public record TlsCredentials(PrivateKey key, List<X509Certificate> chain) {
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN (ENCRYPTED )?PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END (ENCRYPTED )?PRIVATE KEY-----");

    /** @throws GeneralSecurityException or IOException saying what is wrong with which file */
    static TlsCredentials load(TlsConfig config) throws GeneralSecurityException, IOException {
        TlsCredentials c = config.keyStore() != null ? fromKeyStore(config) : fromPem(config);
        c.checkPair();
        return c;
    }

    private static TlsCredentials fromPem(TlsConfig config) throws GeneralSecurityException, IOException {
        List<X509Certificate> chain;
        try (InputStream in = Files.newInputStream(config.certificateChain())) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(config.certificateChain() + " holds no PEM certificate");
        }
        Matcher m = PEM_KEY.matcher(Files.readString(config.privateKey(), StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new GeneralSecurityException(config.privateKey() + " holds no PKCS#8 private key (BEGIN PRIVATE KEY); "
                    + "convert one with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        boolean encrypted = m.group(1) != null;
        if (encrypted != (config.privateKeyPassword() != null)) {
            throw new GeneralSecurityException(config.privateKey() + (encrypted ? " is encrypted: set privateKeyPassword"
                    : " is not encrypted, yet privateKeyPassword is set"));
        }
        PKCS8EncodedKeySpec spec;
        if (encrypted) {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            Key secret = SecretKeyFactory.getInstance(info.getAlgName())
                    .generateSecret(new PBEKeySpec(config.privateKeyPassword().toCharArray()));
            spec = info.getKeySpec(secret);
        } else {
            spec = new PKCS8EncodedKeySpec(der);
        }
        PrivateKey key = KeyFactory.getInstance(chain.getFirst().getPublicKey().getAlgorithm()).generatePrivate(spec);
        return new TlsCredentials(key, chain);
    }

    private static TlsCredentials fromKeyStore(TlsConfig config) throws GeneralSecurityException, IOException {
        char[] password = config.keyStorePassword() == null ? null : config.keyStorePassword().toCharArray();
        KeyStore store = KeyStore.getInstance(config.keyStoreType());
        try (InputStream in = Files.newInputStream(config.keyStore())) {
            store.load(in, password);
        }
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias) && store.getKey(alias, password) instanceof PrivateKey key) {
                Certificate[] chain = store.getCertificateChain(alias);
                return new TlsCredentials(key, Arrays.stream(chain).map(X509Certificate.class::cast).toList());
            }
        }
        throw new GeneralSecurityException(config.keyStore() + " holds no private key entry");
    }

    /** Signs with the key and verifies with the certificate's public key. */
    private void checkPair() throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA: the key's name is its signature's
        };
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        Signature sign = Signature.getInstance(algorithm);
        if (algorithm.equals("RSASSA-PSS")) {
            sign.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        }
        sign.initSign(key);
        sign.update(probe);
        byte[] signature = sign.sign();
        sign.initVerify(chain.getFirst().getPublicKey());
        sign.update(probe);
        if (!sign.verify(signature)) {
            throw new GeneralSecurityException("the private key does not belong to the certificate "
                    + chain.getFirst().getSubjectX500Principal());
        }
    }

    /** The certificate's subject and end of validity, for the log. */
    public String describe() {
        X509Certificate own = chain.getFirst();
        return own.getSubjectX500Principal().getName() + ", valid until " + own.getNotAfter().toInstant();
    }
}
