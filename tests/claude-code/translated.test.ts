// Claude Code through sluice to an OpenAI-format backend: every model Claude Code asks for is
// routed to the mock's Chat Completions, so each turn is Anthropic Messages -> Chat Completions and
// back. The story matrix of stories.ts, run by suite.ts.
import { matrixSuite } from "./suite.ts";

matrixSuite("translated", "Claude Code through sluice to an OpenAI-format backend");
