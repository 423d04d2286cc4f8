// Claude Code through sluice to Anthropic (no routes; the mock answers as Anthropic): the story
// matrix of stories.ts, run by suite.ts.
import { matrixSuite } from "./suite.ts";

matrixSuite("passthrough", "Claude Code through sluice to Anthropic");
