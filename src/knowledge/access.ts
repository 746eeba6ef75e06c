import { z } from 'zod';
import type { CollectionAccess } from './domain.ts';

/** Who may read a collection, as the CLI and REST take it; channels are `platform:channel`. */
const ChannelKey = z
  .string()
  .trim()
  .transform((value) => (value.includes(':') ? value : `api:${value.replace(/^#/, '')}`))
  .pipe(
    z
      .string()
      .regex(/^(slack|teams|api|mcp|scheduler):[^\s]{1,200}$/, 'platform:channel, e.g. slack:C0123ABCDEF'),
  );
const Role = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a role name such as sre');

export const AccessSchema = z.strictObject({
  visibility: z.enum(['tenant', 'restricted']).optional(),
  channels: z.array(ChannelKey).max(200).default([]),
  roles: z.array(Role).max(50).default([]),
  editorRoles: z.array(Role).max(50).default([]),
});

/** Naming channels or roles makes a collection restricted, unless `visibility` says otherwise. */
export function accessFrom(parsed: z.infer<typeof AccessSchema>): CollectionAccess {
  const restricted = parsed.channels.length > 0 || parsed.roles.length > 0;
  return {
    visibility: parsed.visibility ?? (restricted ? 'restricted' : 'tenant'),
    channels: parsed.channels,
    roles: parsed.roles,
    editorRoles: parsed.editorRoles,
  };
}
