import { z } from "zod";

/** An entry of the error-code catalogue (`config/error-codes.yaml`, or `errorCodes.codes` in the config). */
export const catalogEntrySchema = z
  .object({
    code: z.string().trim().min(1),
    status: z.number().int().min(100).max(599).optional(),
    /** May hold `<parameter name>` placeholders; a matching message yields the parameter's value. */
    message: z.string().optional(),
    description: z.string().optional(),
    /** Overrides the category the rules of docs/design.md §5 would give an error with this code. */
    category: z.enum(["throttling", "auth_error", "client_error", "server_error"]).optional(),
  })
  .strict();

export const catalogFileSchema = z.object({ codes: z.array(catalogEntrySchema) }).strict();

export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
