package dev.baton.controller.internal;

import dev.baton.context.RequestContext;
import dev.baton.routing.Handler;
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
import java.util.Collections;

/**
 * Binds the arguments of one controller method and calls it, without reflection per request.
 * Methods that return a value and take up to four parameters are compiled with
 * {@link LambdaMetafactory} into a class that calls them directly, each argument bound straight
 * into the call (no array): as fast as a hand-written lambda. The others go through a
 * {@link MethodHandle} bound to the instance at startup. Primitive results come back boxed,
 * {@code void} as null. An action that returns a value and has no filter needs nothing more, so
 * its invoker is its route's handler: no layer between the server and the call.
 */
abstract class MethodInvoker implements Handler {
    private static final Class<?>[] CALLS = {Call0.class, Call1.class, Call2.class, Call3.class, Call4.class};
    private static final Object[] NO_ARGUMENTS = {};

    final ArgumentBinder[] binders;
    private final String name;

    private MethodInvoker(ArgumentBinder[] binders, String name) {
        this.binders = binders;
        this.name = name;
    }

    /** As a handler: the whole of a value-returning action without filters. */
    @Override
    public final Object handle(RequestContext ctx) throws Exception {
        return call(ctx, null);
    }

    @Override
    public final String toString() {
        return name;
    }

    /** Binds every argument from the request and calls the method: the hot path. */
    abstract Object call(RequestContext ctx, Object async) throws Exception;

    /** Calls the method with arguments bound by {@link #bind} (when filters need to see them). */
    abstract Object invoke(Object[] args) throws Exception;

    final Object[] bind(RequestContext ctx, Object async) throws Exception {
        if (binders.length == 0) {
            return NO_ARGUMENTS;
        }
        Object[] args = new Object[binders.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = binders[i].bind(ctx, async);
        }
        return args;
    }

    static MethodInvoker of(Object target, Method method, ArgumentBinder[] binders) {
        if (!method.trySetAccessible()) {
            throw new IllegalArgumentException(ControllerCompiler.describe(method) + " is not accessible; make it public");
        }
        boolean isStatic = Modifier.isStatic(method.getModifiers());
        int arity = method.getParameterCount();
        if (method.getReturnType() != void.class && arity < CALLS.length) {
            Object call = compile(isStatic ? null : target, method, arity);
            if (call != null) {
                return direct(call, binders, ControllerCompiler.describe(method));
            }
        }
        MethodHandle mh;
        try {
            mh = MethodHandles.lookup().unreflect(method);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException(ControllerCompiler.describe(method) + " is not accessible: " + e.getMessage(), e);
        }
        return new Spread((isStatic ? mh : mh.bindTo(target)).asSpreader(Object[].class, arity)
                .asType(MethodType.methodType(Object.class, Object[].class)), binders, ControllerCompiler.describe(method));
    }

    /** A CallN instance calling {@code method} on {@code target}; null when the JVM will not generate one. */
    private static Object compile(Object target, Method method, int arity) {
        try {
            MethodHandles.Lookup caller = MethodHandles.privateLookupIn(method.getDeclaringClass(), MethodHandles.lookup());
            MethodHandle impl = caller.unreflect(method);
            Class<?> shape = CALLS[arity];
            MethodType erased = MethodType.methodType(Object.class, Collections.nCopies(arity, Object.class));
            MethodType exact = MethodType.methodType(method.getReturnType(), method.getParameterTypes()).wrap();
            MethodType factory = target == null ? MethodType.methodType(shape)
                    : MethodType.methodType(shape, method.getDeclaringClass());
            MethodHandle make = LambdaMetafactory.metafactory(caller, "call", factory, erased, impl, exact).getTarget();
            return target == null ? make.invoke() : make.invoke(target);
        } catch (Throwable e) {
            return null; // e.g. a module that does not open the controller's package: use the handle
        }
    }

    // The compiled calls rethrow the method's checked exceptions undeclared, as the handle does.
    private static MethodInvoker direct(Object call, ArgumentBinder[] b, String name) {
        return switch (b.length) {
            case 0 -> new MethodInvoker(b, name) {
                final Call0 c = (Call0) call;

                @Override
                Object call(RequestContext ctx, Object async) {
                    return c.call();
                }

                @Override
                Object invoke(Object[] a) {
                    return c.call();
                }
            };
            case 1 -> new MethodInvoker(b, name) {
                final Call1 c = (Call1) call;
                final ArgumentBinder b0 = b[0];

                @Override
                Object call(RequestContext ctx, Object async) throws Exception {
                    return c.call(b0.bind(ctx, async));
                }

                @Override
                Object invoke(Object[] a) {
                    return c.call(a[0]);
                }
            };
            case 2 -> new MethodInvoker(b, name) {
                final Call2 c = (Call2) call;
                final ArgumentBinder b0 = b[0];
                final ArgumentBinder b1 = b[1];

                @Override
                Object call(RequestContext ctx, Object async) throws Exception {
                    return c.call(b0.bind(ctx, async), b1.bind(ctx, async));
                }

                @Override
                Object invoke(Object[] a) {
                    return c.call(a[0], a[1]);
                }
            };
            case 3 -> new MethodInvoker(b, name) {
                final Call3 c = (Call3) call;
                final ArgumentBinder b0 = b[0];
                final ArgumentBinder b1 = b[1];
                final ArgumentBinder b2 = b[2];

                @Override
                Object call(RequestContext ctx, Object async) throws Exception {
                    return c.call(b0.bind(ctx, async), b1.bind(ctx, async), b2.bind(ctx, async));
                }

                @Override
                Object invoke(Object[] a) {
                    return c.call(a[0], a[1], a[2]);
                }
            };
            default -> new MethodInvoker(b, name) {
                final Call4 c = (Call4) call;
                final ArgumentBinder b0 = b[0];
                final ArgumentBinder b1 = b[1];
                final ArgumentBinder b2 = b[2];
                final ArgumentBinder b3 = b[3];

                @Override
                Object call(RequestContext ctx, Object async) throws Exception {
                    return c.call(b0.bind(ctx, async), b1.bind(ctx, async), b2.bind(ctx, async), b3.bind(ctx, async));
                }

                @Override
                Object invoke(Object[] a) {
                    return c.call(a[0], a[1], a[2], a[3]);
                }
            };
        };
    }

    /** Through a spreading method handle: void methods and more than four parameters. */
    private static final class Spread extends MethodInvoker {
        private final MethodHandle handle;

        Spread(MethodHandle handle, ArgumentBinder[] binders, String name) {
            super(binders, name);
            this.handle = handle;
        }

        @Override
        Object call(RequestContext ctx, Object async) throws Exception {
            return invoke(bind(ctx, async));
        }

        @Override
        Object invoke(Object[] args) throws Exception {
            try {
                return handle.invokeExact(args);
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new UndeclaredThrowableException(t);
            }
        }
    }
}
