/**
 * The slice of CloudWatch Logs that audit needs, as a plain interface so the
 * polling logic can be tested with a fake clock and a scripted API
 * (src/core/audit/aws.ts adapts the SDK client to it).
 */

export type QueryStatus =
  | "Scheduled"
  | "Running"
  | "Complete"
  | "Failed"
  | "Cancelled"
  | "Timeout"
  | "Unknown";

export interface QueryDefinition {
  name: string;
  queryDefinitionId: string;
  queryString: string;
  logGroupNames: string[];
}

export interface ResultField {
  field: string;
  value: string;
}

export interface QueryResults {
  status: QueryStatus;
  results: ResultField[][];
  statistics?: { recordsMatched?: number; recordsScanned?: number; bytesScanned?: number };
}

export interface StartQueryInput {
  logGroupNames: string[];
  queryString: string;
  /** Epoch seconds. */
  startTime: number;
  endTime: number;
  limit?: number;
}

export interface InsightsApi {
  /** One page of definitions whose name starts with `namePrefix`. */
  describeQueryDefinitions(input: {
    namePrefix: string;
    nextToken?: string;
  }): Promise<{ definitions: QueryDefinition[]; nextToken?: string }>;
  startQuery(input: StartQueryInput): Promise<{ queryId: string }>;
  getQueryResults(queryId: string): Promise<QueryResults>;
  stopQuery(queryId: string): Promise<void>;
}

/** Time and sleeping, injectable so tests run polling without waiting (one type for all of core). */
export { type Clock, systemClock } from "../clock.js";
