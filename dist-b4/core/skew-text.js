/**
 * How far this machine's clock is from S3's, in the unit a person reads at a
 * glance: "43 s ahead of S3", "about 20 minutes behind S3", "about 3 hours ahead of S3".
 * `skewMs` is local time minus S3's (from its Date header).
 */
export function skewInWords(skewMs) {
    const way = skewMs > 0 ? "ahead of" : "behind";
    const seconds = Math.round(Math.abs(skewMs) / 1000);
    if (seconds < 90)
        return `${seconds} s ${way} S3`;
    const minutes = Math.round(seconds / 60);
    if (minutes < 90)
        return `about ${minutes} minutes ${way} S3`;
    const hours = Math.round(minutes / 60);
    if (hours < 48)
        return `about ${hours} hours ${way} S3`;
    return `about ${Math.round(hours / 24)} days ${way} S3`;
}
