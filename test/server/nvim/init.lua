-- Drives the Assetline language server from Neovim's built-in LSP client (0.7+), headless,
-- and writes what it saw to $ASSETLINE_OUT as JSON. Run by test/server/neovim.test.ts:
--   ASSETLINE_SERVER=dist/server.js ASSETLINE_ROOT=<workspace> ASSETLINE_OUT=<file> \
--     nvim --headless -u test/server/nvim/init.lua
local server = assert(os.getenv("ASSETLINE_SERVER"), "ASSETLINE_SERVER is not set")
local root = assert(os.getenv("ASSETLINE_ROOT"), "ASSETLINE_ROOT is not set")
local out = assert(os.getenv("ASSETLINE_OUT"), "ASSETLINE_OUT is not set")
local node = os.getenv("ASSETLINE_NODE") or "node"
local results = {}

local function write_and_quit(ok, err)
  results.ok = ok
  results.error = err and tostring(err) or nil
  local file = assert(io.open(out, "w"))
  file:write(vim.fn.json_encode(results))
  file:close()
  vim.cmd("qa!")
end

-- The 0-based line and column of the `|` in `marked`, once `marked` without it is found in the
-- buffer (the first line holding it): cursors are placed as the TypeScript tests place them.
local function cursor_at(bufnr, marked)
  local marker = marked:find("|", 1, true)
  assert(marker and not marked:find("|", marker + 1, true), "needs exactly one | marker: " .. marked)
  local snippet = marked:sub(1, marker - 1) .. marked:sub(marker + 1)
  for index, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = line:find(snippet, 1, true)
    if col then return index - 1, col - 1 + marker - 1 end
  end
  error("not found in buffer: " .. snippet)
end

local function request(bufnr, method, params)
  local responses = vim.lsp.buf_request_sync(bufnr, method, params, 10000)
  assert(responses, method .. " timed out")
  for _, response in pairs(responses) do
    if response.err then error(method .. " failed: " .. vim.inspect(response.err)) end
    return response.result
  end
end

local function diagnostics(bufnr)
  return vim.tbl_map(function(d)
    local lsp = d.user_data and d.user_data.lsp or {}
    return { code = d.code or lsp.code, source = d.source, message = d.message, line = d.lnum, col = d.col }
  end, vim.diagnostic.get(bufnr))
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(root .. "/src/marts/revenue.ts"))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "assetline",
    cmd = { node, server, "--stdio" },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = "workspace" } },
  })
  assert(client_id, "the language client did not start")
  vim.lsp.buf_attach_client(bufnr, client_id)

  assert(vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20), "no diagnostics were published")
  results.diagnostics = diagnostics(bufnr)

  local uri = vim.uri_from_bufnr(bufnr)
  local line, col = cursor_at(bufnr, '"ma|rts/orders"')
  local position = { line = line, character = col }
  results.definition = request(bufnr, "textDocument/definition", { textDocument = { uri = uri }, position = position })
  results.hover = request(bufnr, "textDocument/hover", { textDocument = { uri = uri }, position = position })
  results.symbols = request(bufnr, "workspace/symbol", { query = "stg_" })
  results.codeLens = request(bufnr, "textDocument/codeLens", { textDocument = { uri = uri } })

  -- Type the missing "e" of "stg_ordrs": Neovim sends an incremental didChange.
  local typo_line, typo_col = cursor_at(bufnr, "stg_ord|rs")
  vim.api.nvim_buf_set_text(bufnr, typo_line, typo_col, typo_line, typo_col, { "e" })
  assert(vim.wait(10000, function() return #vim.diagnostic.get(bufnr) == 0 end, 20), "the fixed key kept its diagnostic")
  results.diagnosticsAfterEdit = diagnostics(bufnr)

  vim.lsp.stop_client(client_id)
  results.stopped = vim.wait(10000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
end)

write_and_quit(ok, err)
