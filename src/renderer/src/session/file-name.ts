/** The last part of a path (either separator), as a tab or a bar names the file. */
export const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path
