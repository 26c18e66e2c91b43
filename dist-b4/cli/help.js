/** Two or three examples per command, shown at the end of its --help (README mirrors them). */
export const EXAMPLES = {
    configure: [
        "strongbox configure --from-terraform infra/envs/aws",
        "strongbox configure --from-terraform outputs.json --config ./strongbox.json",
    ],
    login: [
        "strongbox login --role uploader",
        "strongbox login --role admin --duration 1h      # MFA: prompted; or --mfa-code - (stdin), or STRONGBOX_MFA_CODE",
        "strongbox login --role viewer --profile work",
    ],
    logout: ["strongbox logout", "strongbox logout --role admin"],
    whoami: ["strongbox whoami", "strongbox whoami --role viewer --json"],
    upload: [
        "strongbox upload report.pdf --role uploader",
        "strongbox upload photos/ s3://BUCKET/2026/ --exclude '*.tmp' --dry-run",
        "strongbox upload site/ --prefix site/ --exclude '*' --include '*/' --include '*.html'",
        "strongbox upload big.iso --key isos/big.iso --part-size 64MiB --resume   # continue after Ctrl-C",
    ],
    download: [
        "strongbox download photos/sub/b.txt --out newdir/      # writes newdir/b.txt",
        "strongbox download s3://BUCKET/report.pdf --out - | less",
        "strongbox download big.iso --version-id V --dry-run",
        "strongbox download photos/2026/ --out ./photos/ --exclude '*.raw'   # a prefix: the tree below it",
    ],
    ls: [
        "strongbox ls",
        "strongbox ls s3://BUCKET/photos/ --limit 20",
        "strongbox ls photos/ --json",
    ],
    versions: ["strongbox versions report.pdf", "strongbox versions s3://BUCKET/report.pdf --json"],
    restore: [
        "strongbox restore report.pdf --version-id V --dry-run",
        "strongbox restore report.pdf --version-id V --role admin",
    ],
    rm: [
        "strongbox rm old.txt --dry-run",
        "strongbox rm old.txt --yes --role admin",
        "strongbox rm old.txt --version-id V --role admin      # permanent: asks, shows the version",
    ],
    presign: [
        "strongbox presign get report.pdf --expires 1h",
        'curl -T f.bin "$(strongbox presign put f.bin)"',
    ],
    audit: [
        "strongbox audit",
        "strongbox audit denied --since 7d",
        "strongbox audit activity --key report.pdf --json",
    ],
    alarms: ["strongbox alarms", "strongbox alarms --json"],
    access: ["strongbox access", "strongbox access --engine local --json"],
    selftest: ["strongbox selftest", "strongbox selftest --burst 20 --alarm-timeout 30m"],
    exec: [
        "strongbox exec --role viewer -- aws s3 ls s3://BUCKET/",
        "strongbox exec --role uploader -- s5cmd cp f.bin s3://BUCKET/",
    ],
    env: ["strongbox env --role admin --json", 'eval "$(strongbox env --role viewer)"'],
    ui: [
        'strongbox ui      # the web page on 127.0.0.1; prints "ui: <address>"',
        "strongbox ui --idle 2h",
    ],
    completion: [
        "strongbox completion bash > ~/.local/share/bash-completion/completions/strongbox",
        "strongbox completion zsh > ~/.zfunc/_strongbox      # with fpath+=(~/.zfunc)",
        "strongbox completion fish > ~/.config/fish/completions/strongbox.fish",
    ],
};
export const EXIT_CODES = `Exit codes:
  0    ok
  1    a transfer or request failed (or a question was answered no)
  2    usage error (bad arguments, no config, a choice only you can make)
  3    access denied
  4    not found
  5    credentials missing or expired (run \`strongbox login\`)
  130  interrupted (Ctrl-C)`;
export const ENVIRONMENT = `Environment:
  STRONGBOX_CONFIG   config file (instead of --config)
  STRONGBOX_ROLE     role for data commands (instead of --role)
  STRONGBOX_DEBUG=1  same as --debug
  AWS_PROFILE        AWS profile for your own credentials (instead of --profile)
  XDG_CONFIG_HOME, XDG_STATE_HOME   where config and transfer state live (Linux)
  TERM=dumb          no progress bar`;
/** Examples under each command's help; exit codes and environment under the top level's. */
export function addHelpTexts(program) {
    for (const command of program.commands) {
        const examples = EXAMPLES[command.name()];
        if (examples === undefined)
            continue;
        command.addHelpText("after", `\nExamples:\n${examples.map((e) => `  $ ${e}`).join("\n")}`);
    }
    program.addHelpText("after", `\n${EXIT_CODES}\n\n${ENVIRONMENT}\n\nRun \`strongbox COMMAND --help\` for a command's options and examples.`);
}
