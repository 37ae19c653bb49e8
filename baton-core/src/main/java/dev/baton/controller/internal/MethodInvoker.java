package dev.baton.controller.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Calls one controller method through a {@link MethodHandle} bound to its instance at startup:
 * no reflection per request. Primitive results come back boxed, {@code void} as null.
 */
final class MethodInvoker {
    private final MethodHandle handle;

    private MethodInvoker(MethodHandle handle) {
        this.handle = handle;
    }

    static MethodInvoker of(Object target, Method method) {
        if (!method.trySetAccessible()) {
            throw new IllegalArgumentException(ControllerCompiler.describe(method) + " is not accessible; make it public");
        }
        MethodHandle mh;
        try {
            mh = MethodHandles.lookup().unreflect(method);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException(ControllerCompiler.describe(method) + " is not accessible: " + e.getMessage(), e);
        }
        if (!Modifier.isStatic(method.getModifiers())) {
            mh = mh.bindTo(target);
        }
        int arity = method.getParameterCount();
        mh = mh.asSpreader(Object[].class, arity).asType(MethodType.methodType(Object.class, Object[].class));
        return new MethodInvoker(mh);
    }

    Object invoke(Object[] args) throws Exception {
        try {
            return handle.invokeExact(args);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new java.lang.reflect.UndeclaredThrowableException(t);
        }
    }
}
