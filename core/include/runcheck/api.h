// The one entry point both the CLI and the wasm module call: a JSON request in, a JSON
// response out. Same bytes in -> same bytes out on every platform (golden tests prove it).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace runcheck {

// Request: {"command": "estimate" | "catalog", ...fields of that command}.
// Response: {"ok": true, ...} or {"ok": false, "error": {"code", "field", "message"}}.
// Never throws, never aborts; any input (malformed, hostile, huge) gets a response.
std::string handle_request(std::string_view request_json);

// Troubleshoot without the request size cap (the CLI reads a log of up to kMaxLogBytes):
// `log_text` as pasted, `options_json` an object of overrides (model, quant, hardware, context,
// ram_gb, runtime) or "" -> the same response as {"command":"diagnose","log":...}.
std::string handle_diagnose(std::string_view log_text, std::string_view options_json);

// The first `size` bytes of a GGUF file of `file_size` bytes named `name`: the import's JSON
// ({"ok":true,"model":"user:...",...}), or {"ok":false,...,"needed_bytes":N} to read more.
std::string handle_gguf(const unsigned char* data, size_t size, unsigned long long file_size,
                        std::string_view name);

}  // namespace runcheck
