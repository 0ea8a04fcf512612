// What a grant remembers about the user (encrypted by the library, handed to /mcp as ctx.props).
import * as z from 'zod';

export const GrantProps = z.object({
  subject: z.string(),
  email: z.string().optional(),
  emailVerified: z.boolean(),
  groups: z.array(z.string()),
});
export type GrantProps = z.infer<typeof GrantProps>;
