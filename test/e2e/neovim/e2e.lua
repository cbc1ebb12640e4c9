-- Headless Neovim (Debian's 0.7) as a second real LSP client of dist/server.js (push diagnostics,
-- no pull). Usage: see run.sh. Prints one line per check and a closing "N passed, N failed".
local server, workspace = vim.env.EVOLVE_SERVER, vim.env.EVOLVE_WORKSPACE
local out = function(s) io.stdout:write(s .. '\n') end
local passed, failed = 0, 0
local function check(name, ok, detail)
  if ok then passed = passed + 1; out('ok - ' .. name)
  else failed = failed + 1; out('not ok - ' .. name .. (detail and (': ' .. detail) or '')) end
end
local function finish()
  out(string.format('%d passed, %d failed', passed, failed))
  vim.cmd(failed == 0 and 'qa!' or 'cquit 1')
end

-- Evolve's unbatched-loop diagnostics (other rules may report on the same code).
local function evolve_diagnostics(buf)
  return vim.tbl_filter(function(d) return d.source == 'evolve' and d.code == 'unbatched-loop' end, vim.diagnostic.get(buf))
end

local function main()
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'evolve',
    cmd = { 'node', server, '--stdio' },
    root_dir = workspace,
    workspace_folders = { { uri = vim.uri_from_fname(workspace), name = 'workspace' } },
  })
  if not client_id then return check('starts dist/server.js', false) end
  vim.lsp.buf_attach_client(bufnr, client_id)

  -- Waits on the editor's event loop until diagnostics arrive (vim.wait returns as soon as it holds).
  local arrived = vim.wait(60000, function() return #evolve_diagnostics(bufnr) > 0 end, 50)
  local diags = evolve_diagnostics(bufnr)
  check('publishes diagnostics for the opened migration', arrived)
  local d = diags[1] or {}
  local for_line = 4 -- 0-based line of `for (const u of users) {`
  check('one unbatched-loop warning on the for line', #diags == 1 and d.code == 'unbatched-loop' and d.lnum == for_line and d.severity == vim.diagnostic.severity.WARN,
    vim.inspect(vim.tbl_map(function(x) return { x.lnum, x.code, x.severity } end, diags)))

  local slugs = vim.uri_to_bufnr(vim.uri_from_fname(workspace .. '/migrations/20240102000000_backfill_slugs.js'))
  local scanned = vim.wait(30000, function() return #evolve_diagnostics(slugs) > 0 end, 50)
  check('the workspace scan reports the unopened migration', scanned)

  -- Code actions for the finding, with the diagnostic passed back in LSP form as an editor does.
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = for_line, character = 2 }, ['end'] = { line = for_line, character = 2 } },
    context = { diagnostics = { {
      range = { start = { line = d.lnum or 0, character = d.col or 0 }, ['end'] = { line = d.end_lnum or 0, character = d.end_col or 0 } },
      severity = d.severity, message = d.message, source = d.source, code = d.code,
    } } },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 10000) or {}
  local actions = {}
  for _, r in pairs(responses) do for _, a in ipairs(r.result or {}) do actions[a.title] = a end end
  local disable = actions['Disable evolve rule unbatched-loop for this line']
  check('offers disable-line, disable-file and documentation actions',
    disable ~= nil and actions['Disable evolve rule unbatched-loop for this file'] ~= nil and actions['Show documentation for evolve rule unbatched-loop'] ~= nil,
    vim.inspect(vim.tbl_keys(actions)))

  if disable and disable.edit then
    vim.lsp.util.apply_workspace_edit(disable.edit, 'utf-16')
    local lines = vim.api.nvim_buf_get_lines(bufnr, for_line, for_line + 2, false)
    check('the quick fix inserts the directive above the loop', lines[1] == '  // evolve-disable-next-line unbatched-loop -- reason' and lines[2] == '  for (const u of users) {',
      vim.inspect(lines))
    local cleared = vim.wait(30000, function() return #evolve_diagnostics(bufnr) == 0 end, 50)
    check('the warning goes away after the edit', cleared)
  else
    check('the quick fix inserts the directive above the loop', false, 'no edit to apply')
  end

  vim.lsp.stop_client(client_id)
end

-- A Lua error must end the run with a failure, not leave headless Neovim waiting for input.
local ok, err = pcall(main)
if not ok then check('the check script ran to the end', false, tostring(err)) end
finish()
