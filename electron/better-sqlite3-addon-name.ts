/** The file name of better-sqlite3's addon built for one Electron ABI (see electron/native/). */
export function electronAddonName(modulesAbi: string, platform: string, arch: string): string {
  return `better_sqlite3-abi${modulesAbi}-${platform}-${arch}.node`;
}
