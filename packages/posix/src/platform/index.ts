import type { Platform } from './types.js';
import { linuxX64 } from './linux-x64.js';
import { linuxArm64 } from './linux-arm64.js';
import { assertSupported } from './supported.js';

export type { Platform } from './types.js';

/**
 * The tables for this machine. Another platform is one more file beside these (macOS's
 * differences are listed in the package's README, "Platforms").
 */
const platforms: Record<string, Platform> = {
  'linux-x64': linuxX64,
  'linux-arm64': linuxArm64,
};

assertSupported(); // one line naming what to use instead, before any table is looked for
const key = `${process.platform}-${process.arch}`;
const found = platforms[key];
if (found === undefined) {
  throw new Error(
    `@lsbaws/posix has no tables for ${key} yet (it knows ${Object.keys(platforms).join(', ')}); ` +
      'add packages/posix/src/platform/' +
      key +
      '.ts',
  );
}
export const platform: Platform = found;
