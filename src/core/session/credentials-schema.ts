import * as z from "../schema.js";

/** Temporary AWS credentials as the session caches keep them (role sessions and MFA sessions). */
export const credentialsSchema = z.object({
  accessKeyId: z.string().check(z.minLength(1)),
  secretAccessKey: z.string().check(z.minLength(1)),
  sessionToken: z.string().check(z.minLength(1)),
});
