/** The usual Invocation: `execute(options, deps)` runs the command, `render` prints its result. */
export function invocation(command, options, execute, render) {
    return { command, options, execute: (deps) => execute(options, deps), render };
}
