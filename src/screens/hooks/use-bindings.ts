import { dispatchBinding, type Binding } from '../app/bindings.js';
import { useKeys } from './use-keys.js';

/** Hands every key to the binding list: the enabled binding that answers it runs; other keys mean nothing. */
export function useBindings(bindings: readonly Binding[], isActive: boolean): void {
  useKeys((action) => void dispatchBinding(bindings, action), isActive);
}
