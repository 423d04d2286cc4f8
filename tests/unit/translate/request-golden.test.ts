import { describe, expect, test } from "bun:test";
import { validateMessagesRequest } from "../../../src/translate/anthropic-types.ts";
import { presets } from "../../../src/translate/presets.ts";
import { toChatRequest } from "../../../src/translate/request.ts";
import { goldens, record, updating } from "./golden.ts";

interface RequestCase {
  preset: string;
  model: string;
  strict: boolean;
  dropParams: string[];
  request: unknown;
}

describe("an Anthropic request becomes the expected Chat request", () => {
  for (const golden of goldens<RequestCase>("request")) {
    test(`${golden.name}: ${golden.data.case}`, () => {
      const { preset, model, strict, dropParams, request } = golden.data;
      const valid = validateMessagesRequest(request);
      if (!valid.ok) throw new Error(valid.issues.join("; "));
      const chosen = presets[preset];
      if (chosen === undefined) throw new Error(`no preset ${preset}`);
      const actual = toChatRequest(valid.value, { model, preset: chosen, strict, dropParams });
      if (updating) record(golden, actual);
      else expect(actual).toEqual(golden.data.expected as typeof actual);
    });
  }
});
