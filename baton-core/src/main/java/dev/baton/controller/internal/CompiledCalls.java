package dev.baton.controller.internal;

/**
 * The shapes an action call is compiled to with {@link java.lang.invoke.LambdaMetafactory}, one
 * per arity: the generated class calls the controller method directly, as a hand-written lambda
 * would. Public only because the generated classes live beside the controllers; not API.
 */
public interface CompiledCalls {
    /** No arguments. */
    @FunctionalInterface
    interface Call0 {
        Object call();
    }

    /** One argument. */
    @FunctionalInterface
    interface Call1 {
        Object call(Object a);
    }

    /** Two arguments. */
    @FunctionalInterface
    interface Call2 {
        Object call(Object a, Object b);
    }

    /** Three arguments. */
    @FunctionalInterface
    interface Call3 {
        Object call(Object a, Object b, Object c);
    }

    /** Four arguments. */
    @FunctionalInterface
    interface Call4 {
        Object call(Object a, Object b, Object c, Object d);
    }
}
