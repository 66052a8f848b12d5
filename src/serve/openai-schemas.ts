import { z } from "zod";

/**
 * Request bodies of the OpenAI-compatible endpoints, validated at the edge. Objects are loose:
 * sampling fields a simulator has no use for (temperature, top_p, stop, seed, …) are accepted and
 * ignored, as vLLM accepts them; the fields that change what is served are checked.
 */
const positiveInt = z.number().int().min(1);

const commonFields = {
  model: z.string().min(1).optional(),
  max_tokens: positiveInt.nullable().optional(),
  max_completion_tokens: positiveInt.nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullable().optional() }).nullable().optional(),
  n: z.literal(1, { error: "only n = 1 is supported" }).nullable().optional(),
  ignore_eos: z.boolean().optional(),
  user: z.string().optional(),
};

const textPart = z.looseObject({ type: z.literal("text", { error: "only text content parts are supported" }), text: z.string() });

const messageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z.union([z.string(), z.array(textPart), z.null()]).optional(),
  name: z.string().optional(),
});

/** POST /v1/chat/completions. */
export const chatCompletionBodySchema = z.looseObject({
  ...commonFields,
  messages: z.array(messageSchema).min(1),
});

/** POST /v1/completions: one prompt, as text or as token ids. */
export const completionBodySchema = z.looseObject({
  ...commonFields,
  prompt: z.union([z.string(), z.array(z.number().int().nonnegative()).min(1)], { error: "prompt must be a string or an array of token ids (batched prompts are not supported)" }),
});

export type ChatCompletionBody = z.infer<typeof chatCompletionBodySchema>;
export type CompletionBody = z.infer<typeof completionBodySchema>;
/** The fields both endpoints share. */
export type CommonFields = z.infer<z.ZodObject<typeof commonFields>>;
export type ChatMessage = z.infer<typeof messageSchema>;
