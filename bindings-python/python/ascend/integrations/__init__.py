"""Governed tools for agent frameworks, one import per framework (each an optional extra of the package):

* :mod:`ascend.integrations.langchain` — ``governed_tool(...)`` for LangChain tools (``pip install
  'ascend-sdk-rs[langchain]'``);
* :mod:`ascend.integrations.openai_agents` — ``governed_function_tool(...)`` for the OpenAI Agents SDK
  (``[openai-agents]``);
* :mod:`ascend.integrations.mcp` — ``AscendMCPMiddleware`` / ``govern_server(...)`` for servers of the official
  ``mcp`` Python SDK (``[mcp]``).

Every tool call asks ASCEND first through the core's governed-tool flow, and the tool runs only on ALLOWED. This
package imports no framework; each submodule imports its own when it is imported.
"""

from typing import List

__all__: List[str] = []  # nothing to star-import: each framework has its own submodule
