export const sendOptions = (ctx) => ctx.signal === undefined ? undefined : { abortSignal: ctx.signal };
