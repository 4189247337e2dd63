/** The one list of Debian/Ubuntu packages MarketBoss needs to build, run and test. */
export const SYSTEM_PACKAGES: readonly string[];

export type InstallPlan =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'run'; readonly commands: readonly (readonly string[])[] }
  | { readonly kind: 'ask'; readonly command: string };

export function installPlan(facts: {
  readonly missing: readonly string[];
  readonly isRoot: boolean;
  readonly sudoWorks: () => boolean;
}): InstallPlan;

export function electronDecision(facts: {
  readonly flag: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly reachable: (url: string) => Promise<boolean>;
}): Promise<{ readonly skip: boolean; readonly why: string }>;
