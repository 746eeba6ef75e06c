import { ChatOpsError } from '../core/errors.ts';
import type {
  ActionStep,
  ApprovalStep,
  WaitStep,
  WorkflowDefinition,
  WorkflowNode,
} from '../core/workflow-definition.ts';

// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every input type
export type AnyDefinition = WorkflowDefinition<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type AnyStep = ActionStep<any> | ApprovalStep<any> | WaitStep<any>;

/** The installed workflow definitions (from the skills' manifests), and their steps by phase and name. */
export class WorkflowRegistry {
  readonly #definitions = new Map<string, AnyDefinition>();

  constructor(definitions: readonly AnyDefinition[]) {
    for (const definition of definitions) {
      if (this.#definitions.has(definition.id)) {
        throw new ChatOpsError('CONFIG_INVALID', `Two workflows share the id "${definition.id}".`, {
          remedy: 'Give each workflow a unique id (`<skill>.<name>`).',
        });
      }
      this.#definitions.set(definition.id, definition);
    }
  }

  get ids(): string[] {
    return [...this.#definitions.keys()];
  }

  find(id: string): AnyDefinition | undefined {
    return this.#definitions.get(id);
  }

  get(id: string): AnyDefinition {
    const definition = this.#definitions.get(id);
    if (!definition) {
      throw new ChatOpsError('NOT_FOUND', `There is no workflow "${id}" installed.`, {
        remedy: 'The skill that defined it may have been removed; its runs cannot go on.',
      });
    }
    return definition;
  }

  /** The step a stored row names (phases: forward, compensation, and *.finally). */
  step(definition: AnyDefinition, phase: string, name: string): AnyStep | undefined {
    const nodes: readonly WorkflowNode<unknown>[] = phase.endsWith('.finally')
      ? (definition.finally ?? [])
      : phase === 'compensation'
        ? (definition.compensation?.steps ?? [])
        : definition.steps;
    for (const node of nodes) {
      if (node.kind === 'parallel') {
        const child = node.steps.find((candidate) => candidate.name === name);
        if (child) return child as AnyStep;
      } else if (node.name === name) return node as AnyStep;
    }
    return undefined;
  }

  /** People's label of a step ("Provision"), or its name. */
  label(definition: AnyDefinition, phase: string, name: string): string {
    return this.step(definition, phase, name)?.label ?? name;
  }
}
