import { describe, expect, test } from "bun:test";
import type { ChatResponse } from "../../../src/translate/openai-types.ts";
import { fromChatResponse } from "../../../src/translate/response.ts";
import type { ThinkTagMode } from "../../../src/translate/think-tags.ts";
import { goldens, record, updating } from "./golden.ts";

interface ResponseCase {
  requestModel: string;
  stopSequences: string[];
  thinkTags?: ThinkTagMode;
  response: ChatResponse;
}

describe("a Chat response becomes the expected Messages response", () => {
  for (const golden of goldens<ResponseCase>("response")) {
    test(`${golden.name}: ${golden.data.case}`, () => {
      let n = 0;
      const newId = (prefix: string) => `${prefix}golden${++n}`;
      const { requestModel, stopSequences, thinkTags, response } = golden.data;
      const actual = fromChatResponse(response, { requestModel, stopSequences, thinkTags, newId });
      if (updating) record(golden, actual);
      else expect(actual).toEqual(golden.data.expected as typeof actual);
    });
  }
});
