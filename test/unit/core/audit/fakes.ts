import type {
  Clock,
  InsightsApi,
  QueryDefinition,
  QueryResults,
  StartQueryInput,
} from "../../../../src/core/audit/insights.js";

/** A clock whose sleep advances time instantly and records each wait. */
export class FakeClock implements Clock {
  sleeps: number[] = [];
  constructor(public time = 1_764_288_000_000) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.time += ms;
  }
}

/** InsightsApi answering GetQueryResults from a script of statuses. */
export class ScriptedInsights implements InsightsApi {
  started: StartQueryInput[] = [];
  stopped: string[] = [];
  polls = 0;
  describeCalls: Array<{ namePrefix: string; nextToken?: string }> = [];
  constructor(
    private readonly script: Array<QueryResults | (() => QueryResults)>,
    private readonly definitionPages: Array<{
      definitions: QueryDefinition[];
      nextToken?: string;
    }> = [{ definitions: [] }],
  ) {}
  async describeQueryDefinitions(input: { namePrefix: string; nextToken?: string }) {
    this.describeCalls.push(input);
    const index = input.nextToken === undefined ? 0 : Number(input.nextToken);
    const page = this.definitionPages[index] ?? { definitions: [] };
    return {
      definitions: page.definitions.filter((d) => d.name.startsWith(input.namePrefix)),
      ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
    };
  }
  async startQuery(input: StartQueryInput) {
    this.started.push(input);
    return { queryId: `q-${this.started.length}` };
  }
  async getQueryResults(_queryId: string): Promise<QueryResults> {
    const step = this.script[Math.min(this.polls, this.script.length - 1)];
    this.polls++;
    if (step === undefined) throw new Error("empty script");
    return typeof step === "function" ? step() : step;
  }
  async stopQuery(queryId: string) {
    this.stopped.push(queryId);
  }
}

export const running: QueryResults = { status: "Running", results: [] };
