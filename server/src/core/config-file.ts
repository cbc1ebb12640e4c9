// Finding and reading evolve.config.json on disk.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE_NAME, ConfigError, defaultConfig, parseConfig, type EvolveConfig } from './config';

/** The nearest evolve.config.json at or above `start`, if any. */
export function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Loads the config for a folder: the nearest config file, or the defaults rooted at the folder. Throws ConfigError. */
export function loadConfig(start: string, explicitFile?: string): EvolveConfig {
  const file = explicitFile ? resolve(explicitFile) : findConfigFile(start);
  if (!file) return defaultConfig(resolve(start));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [{ message: `Cannot read the config file: ${(error as Error).message}`, offset: 0, length: 1, line: 1, column: 1 }]);
  }
  const { config, problems } = parseConfig(text, file);
  if (problems.length > 0) throw new ConfigError(file, problems);
  return config;
}
