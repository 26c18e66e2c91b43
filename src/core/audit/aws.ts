import {
  type CloudWatchLogsClient,
  DescribeQueryDefinitionsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import type { InsightsApi, QueryStatus } from "./insights.js";

/** InsightsApi over the SDK's CloudWatch Logs client. */
export function insightsApi(client: CloudWatchLogsClient): InsightsApi {
  return {
    async describeQueryDefinitions({ namePrefix, nextToken }) {
      const out = await client.send(
        new DescribeQueryDefinitionsCommand({
          queryDefinitionNamePrefix: namePrefix,
          maxResults: 1000,
          ...(nextToken === undefined ? {} : { nextToken }),
        }),
      );
      return {
        definitions: (out.queryDefinitions ?? []).map((definition) => ({
          name: definition.name ?? "",
          queryDefinitionId: definition.queryDefinitionId ?? "",
          queryString: definition.queryString ?? "",
          logGroupNames: definition.logGroupNames ?? [],
        })),
        ...(out.nextToken ? { nextToken: out.nextToken } : {}),
      };
    },
    async startQuery(input) {
      const out = await client.send(
        new StartQueryCommand({
          logGroupNames: input.logGroupNames,
          queryString: input.queryString,
          startTime: input.startTime,
          endTime: input.endTime,
          ...(input.limit === undefined ? {} : { limit: input.limit }),
        }),
      );
      if (!out.queryId) throw new Error("StartQuery returned no queryId");
      return { queryId: out.queryId };
    },
    async getQueryResults(queryId) {
      const out = await client.send(new GetQueryResultsCommand({ queryId }));
      return {
        status: (out.status ?? "Unknown") as QueryStatus,
        results: (out.results ?? []).map((row) =>
          row.map((cell) => ({ field: cell.field ?? "", value: cell.value ?? "" })),
        ),
        ...(out.statistics
          ? {
              statistics: {
                ...(out.statistics.recordsMatched === undefined
                  ? {}
                  : { recordsMatched: out.statistics.recordsMatched }),
                ...(out.statistics.recordsScanned === undefined
                  ? {}
                  : { recordsScanned: out.statistics.recordsScanned }),
                ...(out.statistics.bytesScanned === undefined
                  ? {}
                  : { bytesScanned: out.statistics.bytesScanned }),
              },
            }
          : {}),
      };
    },
    async stopQuery(queryId) {
      await client.send(new StopQueryCommand({ queryId }));
    },
  };
}
