import { useState } from 'react';
import { failureMessage } from './failureMessage';

/**
 * What a dialog's main button does: runs `action`, shows it pending, closes
 * the dialog when it succeeded and keeps the dialog open with the reason when
 * it failed.
 */
export function useDialogAction(
  action: () => Promise<unknown>,
  close: () => void,
) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const run = async () => {
    setPending(true);
    setError(undefined);
    try {
      await action();
      close();
    } catch (e) {
      setError(failureMessage(e));
    } finally {
      setPending(false);
    }
  };
  return { run, pending, error, clearError: () => setError(undefined) };
}
