/**
 * Resume records in their new place, with the old place still read: a record
 * found only there is resumed (and then moved: saved anew, removed there).
 */
export function withFallback(primary, old) {
    return {
        lock: (identity) => primary.lock(identity),
        load: async (identity) => (await primary.load(identity)) ?? (await old.load(identity)),
        save: (record) => primary.save(record),
        async remove(identity) {
            await primary.remove(identity);
            await old.remove(identity);
        },
    };
}
