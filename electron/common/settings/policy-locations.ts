/**
 * Where IT puts policy on each operating system: what the policy readers (electron/node/settings/) read and what
 * the generated IT artefacts (native-config/) write. Both take the names from here so that they cannot drift.
 */
export const policyLocations = {
  /** Group Policy (HKLM first, then HKCU); value name = setting key. */
  windowsRegistryKey: 'SOFTWARE\\Policies\\Diadema',
  /** Managed-preferences domain: the PayloadType of the configuration profile. */
  macDomain: 'org.diadema.softphone',
  linuxFile: '/etc/diadema/policy.json',
} as const;
