// evolve.config.json is the only source of rules and file patterns, as for the CLI. Each file is
// governed by the nearest config in its folder or above (up to its workspace folder); files with
// none use the defaults rooted at their workspace folder. One Analyzer per config, fed with the
// editor's open buffers, which override the disk.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, isAbsolute } from 'node:path';
import { Analyzer } from '../core/analyzer';
import { CONFIG_FILE_NAME, defaultConfig, isEvolveScript, parseConfig, type ConfigProblem, type EvolveConfig } from '../core/config';

export interface ConfigEntry {
  /** The config file, or undefined for the defaults of a folder without one. */
  file: string | undefined;
  config: EvolveConfig;
  /** Problems of the config file; empty when valid. */
  problems: ConfigProblem[];
  /** The text the problems' offsets refer to (without a BOM). */
  text: string;
  analyzer: Analyzer;
}

/**
 * A config file's text as editors show it: without a UTF-8 BOM, which editors hide. Problem offsets
 * are counted in this text, so their LSP positions match what the user sees (with the BOM kept, every
 * problem after the first line sat one character early).
 */
function readConfigText(path: string): string {
  return (readDisk(path) ?? '').replace(/^\uFEFF/, '');
}

function readDisk(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function isInside(folder: string, file: string): boolean {
  const rel = relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export class ConfigStore {
  private readonly entries = new Map<string, ConfigEntry>();
  /** Folder -> config file found in it (or null), so lookups don't hit the disk on every keystroke. */
  private readonly configInFolder = new Map<string, string | null>();
  private readonly openTexts = new Map<string, string>();

  constructor(private roots: string[]) {}

  setRoots(roots: string[]): void {
    this.roots = roots;
    this.configInFolder.clear();
  }

  getRoots(): readonly string[] {
    return this.roots;
  }

  /** The workspace folder containing a file (the deepest), else the file's own folder. */
  rootOf(file: string): string {
    const containing = this.roots.filter((r) => isInside(r, file)).sort((a, b) => b.length - a.length);
    return containing[0] ?? dirname(file);
  }

  private findConfigFile(file: string): string | undefined {
    const root = this.rootOf(file);
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      let found = this.configInFolder.get(dir);
      if (found === undefined) {
        const candidate = join(dir, CONFIG_FILE_NAME);
        found = existsSync(candidate) ? candidate : null;
        this.configInFolder.set(dir, found);
      }
      if (found) return found;
      if (dir === root || dirname(dir) === dir) return undefined;
    }
  }

  /** The config governing a file (loading it on first use). */
  entryFor(file: string): ConfigEntry {
    const configFile = this.findConfigFile(file);
    const key = configFile ?? `default:${this.rootOf(file)}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = this.load(configFile, this.rootOf(file));
      this.entries.set(key, entry);
    }
    return entry;
  }

  private load(file: string | undefined, root: string): ConfigEntry {
    const text = file ? readConfigText(file) : '';
    const { config, problems } = file ? parseConfig(text, file) : { config: defaultConfig(root), problems: [] };
    const analyzer = new Analyzer(config, { readFile: readDisk });
    for (const [path, open] of this.openTexts) analyzer.setFileText(path, open);
    return { file, config, problems, text, analyzer };
  }

  /**
   * A config file was created, changed or deleted: forget folder lookups and reload the configs in
   * use. The caller re-analyses afterwards (any file may now fall under another config).
   */
  configFileChanged(): void {
    this.configInFolder.clear();
    for (const [key, entry] of this.entries) {
      if (!entry.file) continue;
      if (!existsSync(entry.file)) {
        this.entries.delete(key);
        continue;
      }
      const text = readConfigText(entry.file);
      const { config, problems } = parseConfig(text, entry.file);
      entry.config = config;
      entry.problems = problems;
      entry.text = text;
      entry.analyzer.setConfig(config);
    }
    // Defaults entries may now be shadowed by a new config: rebuild them on next use.
    for (const [key, entry] of this.entries) if (!entry.file) this.entries.delete(key);
  }

  /** Loaded config files (for publishing their problems). */
  configEntries(): ConfigEntry[] {
    return [...this.entries.values()].filter((e) => e.file);
  }

  /** Open editor buffers override the disk; `undefined` when the buffer is closed. */
  setFileText(file: string, text: string | undefined): void {
    if (text === undefined) this.openTexts.delete(file);
    else this.openTexts.set(file, text);
    for (const entry of this.entries.values()) entry.analyzer.setFileText(file, text);
  }

  isEvolveScript(file: string): boolean {
    return isEvolveScript(this.entryFor(file).config, file);
  }
}
