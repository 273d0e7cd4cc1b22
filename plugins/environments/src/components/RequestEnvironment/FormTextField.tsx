import { TextField } from '@backstage/ui';

/**
 * A text field of the request form: validated by the form (`aria`), so that
 * `error` shows next to it and marks it invalid.
 */
export function FormTextField(props: {
  /** The path of the issues about it, such as `overrides.cpu`. */
  field: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  description?: string;
  placeholder?: string;
  secondaryLabel?: string;
}) {
  const { field, error, ...rest } = props;
  return (
    <TextField
      name={field}
      validationBehavior="aria"
      validate={() => error ?? null}
      {...rest}
    />
  );
}
