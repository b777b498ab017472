import { describe, expect, it } from 'vitest';
import { requirementFor } from './route-roles.js';

describe('who may call what', () => {
  it('keeps agent endpoints, acknowledge links and sign-in public', () => {
    expect(requirementFor('POST', '/v1/enroll')).toBe('public');
    expect(requirementFor('GET', '/v1/agent')).toBe('public');
    expect(requirementFor('GET', '/v1/ack/abc.def')).toBe('public');
    expect(requirementFor('POST', '/v1/ack/abc.def')).toBe('public');
    expect(requirementFor('POST', '/v1/auth/login')).toBe('public');
    expect(requirementFor('GET', '/v1/install')).toBe('public');
    expect(requirementFor('POST', '/v1/install')).toBe('operator');
  });

  it('lets viewers read, operators change, admins manage access, secrets and the policy', () => {
    expect(requirementFor('GET', '/v1/hosts')).toBe('viewer');
    expect(requirementFor('HEAD', '/v1/alerts')).toBe('viewer');
    expect(requirementFor('POST', '/v1/alerts/x/ack')).toBe('operator');
    expect(requirementFor('PUT', '/v1/hosts/x/maintenance')).toBe('operator');
    expect(requirementFor('POST', '/v1/hosts/x/log')).toBe('operator');
    expect(requirementFor('GET', '/v1/audit')).toBe('admin');
    expect(requirementFor('GET', '/v1/users')).toBe('admin');
    expect(requirementFor('DELETE', '/v1/tokens/abc')).toBe('admin');
    expect(requirementFor('GET', '/v1/secrets')).toBe('admin');
    expect(requirementFor('POST', '/v1/policy/reload')).toBe('admin');
    expect(requirementFor('GET', '/v1/policy')).toBe('viewer');
    expect(requirementFor('POST', '/v1/hosts/x/revoke')).toBe('admin');
    // One's own session and tokens, whatever the role.
    expect(requirementFor('POST', '/v1/auth/tokens')).toBe('viewer');
    expect(requirementFor('POST', '/v1/auth/logout')).toBe('viewer');
  });

  it('guards a route nobody has classified yet: read needs a viewer, anything else an operator', () => {
    expect(requirementFor('GET', '/v1/something-new')).toBe('viewer');
    expect(requirementFor('PATCH', '/v1/something-new')).toBe('operator');
    expect(requirementFor('GET', '/v1/authx')).toBe('viewer');
  });
});
