/** Options of the hidden `prisma-generate` schematic, which orchestrator-service schedules. */
export interface PrismaGenerateOptions {
  /** The package.json script that regenerates the client; without it, `npx prisma generate`. */
  script?: string;
}
