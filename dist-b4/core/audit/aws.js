import { CloudWatchLogsClient, DescribeQueryDefinitionsCommand, GetQueryResultsCommand, StartQueryCommand, StopQueryCommand, } from "@aws-sdk/client-cloudwatch-logs";
import { mapAwsError } from "../aws-errors.js";
import { baseClientConfig } from "../clients.js";
import { StrongboxError } from "../errors.js";
export function createLogsClient(config, credentials) {
    return new CloudWatchLogsClient(baseClientConfig(config, credentials));
}
/**
 * What an emulator answers for an operation it lacks: moto raises
 * NotImplementedError, which reaches the SDK as an HTML 500 it cannot parse.
 */
function isUnimplemented(err) {
    const e = err;
    const status = e?.$metadata?.httpStatusCode;
    return status === 501 || (status === 500 && e?.name === "SyntaxError");
}
/** SDK failures → StrongboxError; a missing log group is named, not a bare ResourceNotFound. */
function mapLogsError(err, operation, options, logGroupNames) {
    const name = err?.name;
    if (options.emulatorEndpoint !== undefined && isUnimplemented(err)) {
        return new StrongboxError("failed", `the local emulator at ${options.emulatorEndpoint} does not implement CloudWatch Logs ${operation}`, {
            hint: operation === "DescribeQueryDefinitions"
                ? "moto has no Logs Insights saved queries (nor their filter/stats language); run `strongbox audit` against a real AWS deployment"
                : "run this against a real AWS deployment",
            cause: err,
        });
    }
    if (name === "ResourceNotFoundException" && logGroupNames !== undefined) {
        return new StrongboxError("not-found", `log group ${logGroupNames.join(", ")} does not exist (or is in another region)`, {
            hint: "check the deployment's output trail_log_group_name and run `strongbox configure --from-terraform DIR` again",
            cause: err,
        });
    }
    if (name === "MalformedQueryException") {
        return new StrongboxError("failed", `CloudWatch Logs Insights refused the saved query: ${err.message}`, { cause: err });
    }
    return mapAwsError(err, { action: "ReadAudit", role: "admin" });
}
/** InsightsApi over the SDK's CloudWatch Logs client. */
export function insightsApi(client, options = {}) {
    const send = async (operation, run, logGroupNames) => {
        try {
            return await run();
        }
        catch (err) {
            throw mapLogsError(err, operation, options, logGroupNames);
        }
    };
    const opts = options.signal === undefined ? undefined : { abortSignal: options.signal };
    return {
        async describeQueryDefinitions({ namePrefix, nextToken }) {
            const out = await send("DescribeQueryDefinitions", () => client.send(new DescribeQueryDefinitionsCommand({
                queryDefinitionNamePrefix: namePrefix,
                maxResults: 1000,
                ...(nextToken === undefined ? {} : { nextToken }),
            }), opts));
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
            const out = await send("StartQuery", () => client.send(new StartQueryCommand({
                logGroupNames: input.logGroupNames,
                queryString: input.queryString,
                startTime: input.startTime,
                endTime: input.endTime,
                ...(input.limit === undefined ? {} : { limit: input.limit }),
            }), opts), input.logGroupNames);
            if (!out.queryId)
                throw new Error("StartQuery returned no queryId");
            return { queryId: out.queryId };
        },
        async getQueryResults(queryId) {
            const out = await send("GetQueryResults", () => client.send(new GetQueryResultsCommand({ queryId }), opts));
            return {
                status: (out.status ?? "Unknown"),
                results: (out.results ?? []).map((row) => row.map((cell) => ({ field: cell.field ?? "", value: cell.value ?? "" }))),
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
            // Not tied to the abort signal: stopping is what an abort needs.
            await send("StopQuery", () => client.send(new StopQueryCommand({ queryId })));
        },
    };
}
