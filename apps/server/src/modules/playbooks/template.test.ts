import { describe, expect, it } from 'vitest';
import { placeholdersIn, render, renderText, TemplateError } from './template.js';

const context = {
  alert: {
    sourceIp: '198.51.100.23',
    count: 21,
    hostName: null,
    tags: ['attack.t1110', 'attack.credential-access'],
    asset: { name: 'iccc-app-1', criticality: 4 },
  },
  playbook: { id: 'ssh', title: 'SSH' },
};

describe('playbook templates', () => {
  it('fills {{ path }} with values of the subject, spaces inside the braces or not', () => {
    expect(renderText('Block {{ alert.sourceIp }} on {{alert.asset.name}}', context)).toBe(
      'Block 198.51.100.23 on iccc-app-1',
    );
    expect(renderText('first tag: {{ alert.tags.0 }}', context)).toBe('first tag: attack.t1110');
  });

  it('keeps the type of a value that is the whole text, and writes objects as JSON inside text', () => {
    expect(renderText('{{ alert.count }}', context)).toBe(21);
    expect(renderText('{{ alert.asset }}', context)).toEqual({
      name: 'iccc-app-1',
      criticality: 4,
    });
    expect(renderText('asset {{ alert.asset }}', context)).toBe(
      'asset {"name":"iccc-app-1","criticality":4}',
    );
  });

  it('renders every string inside a webhook body, leaving keys and other values alone', () => {
    expect(
      render(
        {
          ip: '{{ alert.sourceIp }}',
          '{{ alert.sourceIp }}': 1,
          list: ['{{ alert.count }}', true],
        },
        context,
      ),
    ).toEqual({ ip: '198.51.100.23', '{{ alert.sourceIp }}': 1, list: [21, true] });
  });

  it('fails, naming what is missing, when a value is absent or empty — never an empty string', () => {
    expect(() => renderText('{{ alert.destinationIp }}', context)).toThrow(
      '{{ alert.destinationIp }} has no value: alert (object) has no destinationIp',
    );
    expect(() => renderText('host {{ alert.hostName }}', context)).toThrow(
      '{{ alert.hostName }} has no value: alert.hostName is empty',
    );
    expect(() => renderText('{{ incident.title }}', context)).toThrow(
      '{{ incident.title }} has no value: this run has no incident',
    );
    expect(() => renderText('{{ alert.sourceIp.length }}', context)).toThrow(TemplateError);
  });

  it('reads only data: no expressions, calls or object machinery', () => {
    for (const text of [
      '{{ alert.sourceIp.toString() }}',
      '{{ alert["sourceIp"] }}',
      '{{ 1 + 1 }}',
      '{{ alert.constructor }}',
      '{{ alert.__proto__ }}',
      '{{ process.env.HOME }}',
    ]) {
      expect(() => renderText(text, context), text).toThrow(TemplateError);
      expect(placeholdersIn(text)[0]!.problem, text).not.toBeNull();
    }
    // An inherited property is not the subject's own data; a list's length is.
    expect(() => renderText('{{ alert.hasOwnProperty }}', context)).toThrow(TemplateError);
    expect(renderText('{{ alert.tags.length }}', context)).toBe(2);
  });

  it('finds placeholders and unbalanced braces for the playbook check', () => {
    expect(placeholdersIn('{{ alert.sourceIp }} and {{ asset.name }}')).toEqual([
      { path: 'alert.sourceIp', root: 'alert', problem: null },
      { path: 'asset.name', root: 'asset', problem: null },
    ]);
    expect(placeholdersIn('{{ alert.sourceIp }')[0]!.problem).toMatch(/unbalanced braces/);
    expect(placeholdersIn('{{ weather.today }}')[0]!.problem).toMatch(
      /starts with 'weather': a path starts with one of alert, incident, asset, playbook, run/,
    );
    expect(placeholdersIn('no placeholders here')).toEqual([]);
  });
});
