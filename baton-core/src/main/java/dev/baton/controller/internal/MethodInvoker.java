package dev.baton.controller.internal;

import dev.baton.controller.internal.CompiledCalls.Call0;
import dev.baton.controller.internal.CompiledCalls.Call1;
import dev.baton.controller.internal.CompiledCalls.Call2;
import dev.baton.controller.internal.CompiledCalls.Call3;
import dev.baton.controller.internal.CompiledCalls.Call4;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.UndeclaredThrowableException;

/**
 * Calls one controller method without reflection per request. Methods that return a value and
 * take up to four parameters are compiled with {@link LambdaMetafactory} into a class that calls
 * them directly (as fast as a hand-written lambda); the others go through a {@link MethodHandle}
 * bound to the instance at startup. Primitive results come back boxed, {@code void} as null.
 */
abstract class MethodInvoker {
    private static final Class<?>[] CALLS = {Call0.class, Call1.class, Call2.class, Call3.class, Call4.class};

    abstract Object invoke(Object[] args) throws Exception;

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
        boolean isStatic = Modifier.isStatic(method.getModifiers());
        int arity = method.getParameterCount();
        if (method.getReturnType() != void.class && arity < CALLS.length) {
            Object call = compile(isStatic ? null : target, method, arity);
            if (call != null) {
                return direct(call, arity);
            }
        }
        MethodHandle bound = isStatic ? mh : mh.bindTo(target);
        MethodHandle spread = bound.asSpreader(Object[].class, arity)
                .asType(MethodType.methodType(Object.class, Object[].class));
        return new MethodInvoker() {
            @Override
            Object invoke(Object[] args) throws Exception {
                try {
                    return spread.invokeExact(args);
                } catch (Exception | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new UndeclaredThrowableException(t);
                }
            }
        };
    }

    /** A CallN instance calling {@code method} on {@code target}; null when the JVM will not generate one. */
    private static Object compile(Object target, Method method, int arity) {
        try {
            MethodHandles.Lookup caller = MethodHandles.privateLookupIn(method.getDeclaringClass(), MethodHandles.lookup());
            MethodHandle impl = caller.unreflect(method);
            Class<?> shape = CALLS[arity];
            MethodType erased = MethodType.methodType(Object.class, java.util.Collections.nCopies(arity, Object.class));
            MethodType exact = MethodType.methodType(method.getReturnType(), method.getParameterTypes()).wrap();
            MethodType factory = target == null ? MethodType.methodType(shape)
                    : MethodType.methodType(shape, method.getDeclaringClass());
            MethodHandle make = LambdaMetafactory.metafactory(caller, "call", factory, erased, impl, exact).getTarget();
            return target == null ? make.invoke() : make.invoke(target);
        } catch (Throwable e) {
            return null; // e.g. a module that does not open the controller's package: use the handle
        }
    }

    /** Sneaky rethrow: the compiled call propagates the method's checked exceptions undeclared. */
    private static MethodInvoker direct(Object call, int arity) {
        return switch (arity) {
            case 0 -> new MethodInvoker() {
                final Call0 c = (Call0) call;

                @Override
                Object invoke(Object[] a) {
                    return c.call();
                }
            };
            case 1 -> new MethodInvoker() {
                final Call1 c = (Call1) call;

                @Override
                Object invoke(Object[] a) {
                    return c.call(a[0]);
                }
            };
            case 2 -> new MethodInvoker() {
                final Call2 c = (Call2) call;

                @Override
                Object invoke(Object[] a) {
                    return c.call(a[0], a[1]);
                }
            };
            case 3 -> new MethodInvoker() {
                final Call3 c = (Call3) call;

                @Override
                Object invoke(Object[] a) {
                    return c.call(a[0], a[1], a[2]);
                }
            };
            default -> new MethodInvoker() {
                final Call4 c = (Call4) call;

                @Override
                Object invoke(Object[] a) {
                    return c.call(a[0], a[1], a[2], a[3]);
                }
            };
        };
    }
}
