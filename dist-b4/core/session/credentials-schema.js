import { z } from "zod";
/** Temporary AWS credentials as the session caches keep them (role sessions and MFA sessions). */
export const credentialsSchema = z.object({
    accessKeyId: z.string().min(1),
    secretAccessKey: z.string().min(1),
    sessionToken: z.string().min(1),
});
