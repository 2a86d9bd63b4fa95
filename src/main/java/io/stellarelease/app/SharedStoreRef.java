package io.stellarelease.app;

import io.stellarelease.sharedstore.SharedStore;

/**
 * The shared run store when {@code stella.store.url} is set, else none: bound once ({@code sharedStoreRef}) so the
 * history ({@link ReleaseBeans}) and the run records ({@link ServiceBeans}) use one pool.
 */
public final class SharedStoreRef {
    private final SharedStore store;

    SharedStoreRef(SharedStore store) {
        this.store = store;
    }

    /** The store, or null when the file store (under {@code stella.state-dir}) is used. */
    public SharedStore store() {
        return store;
    }
}
