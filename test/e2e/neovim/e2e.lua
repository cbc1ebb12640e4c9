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

-- The "Rehearse against snapshot" code lens and its command, run as Neovim runs a lens: workspace/executeCommand
-- without a token, so the server creates the work-done progress; its notifications come on the way.
local function rehearse(client_id)
  local buf = vim.fn.bufadd(workspace .. '/scripts/backfill-display-names.ts')
  vim.fn.bufload(buf)
  vim.api.nvim_buf_set_option(buf, 'filetype', 'typescript')
  vim.lsp.buf_attach_client(buf, client_id)
  local lenses = {}
  for _, r in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/codeLens', { textDocument = { uri = vim.uri_from_bufnr(buf) } }, 20000) or {}) do
    for _, lens in ipairs(r.result or {}) do table.insert(lenses, lens) end
  end
  local lens = lenses[1] or {}
  local command = lens.command or {}
  local entry = lens.range and vim.api.nvim_buf_get_lines(buf, lens.range.start.line, lens.range.start.line + 1, false)[1] or ''
  check('a "Rehearse against snapshot" code lens above the default export', #lenses == 1 and command.title == '▶ Rehearse against snapshot'
    and command.command == 'evolve.rehearse' and vim.startswith(entry, 'export default async function'), vim.inspect(lenses))

  local kinds, events, finished = {}, 0, nil
  local default_progress = vim.lsp.handlers['$/progress']
  vim.lsp.handlers['$/progress'] = function(err, result, ctx, config)
    local value = result and result.value or {}
    if value.kind == 'begin' and vim.startswith(value.title or '', 'Rehearsing') then kinds[result.token] = {} end
    if result and kinds[result.token] then table.insert(kinds[result.token], value.kind) end
    return default_progress(err, result, ctx, config)
  end
  vim.lsp.handlers['evolve/rehearsalEvent'] = function() events = events + 1 end
  vim.lsp.handlers['evolve/rehearsalFinished'] = function(_, result) finished = result end
  local responses = vim.lsp.buf_request_sync(buf, 'workspace/executeCommand', { command = command.command, arguments = command.arguments }, 120000) or {}
  local response = select(2, next(responses)) or {}
  local report = response.result or {}
  check('the lens rehearses the script on the config\'s snapshot: the report comes back', report.status == 'ok' and report.batches == 10, vim.inspect(response.err or report.error))
  check('its events and the finished notification arrive', events > 0 and finished ~= nil and finished.report.status == 'ok', tostring(events))
  local token, seen = next(kinds)
  check('work-done progress: begin, reports, end', token ~= nil and seen[1] == 'begin' and seen[#seen] == 'end' and vim.tbl_contains(seen, 'report'), vim.inspect(kinds))
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

  rehearse(client_id)
  vim.lsp.stop_client(client_id)
end

-- A Lua error must end the run with a failure, not leave headless Neovim waiting for input.
local ok, err = pcall(main)
if not ok then check('the check script ran to the end', false, tostring(err)) end
finish()
