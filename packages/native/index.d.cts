/** The compiled addon (its entries are described by `NativeAddon` in @kindling/core), or null with the reason. */
declare const native: { addon: unknown; reason: string | null };
export = native;
