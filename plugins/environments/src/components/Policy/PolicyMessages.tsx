import { Alert, Flex, Text } from '@backstage/ui';
import { PolicyMessage } from '@internal/backstage-plugin-environments-common';

export type PolicyMessagesProps = {
  /** The rules that deny, each with its message. */
  deny?: PolicyMessage[];
  /** The rules that warn; the change goes ahead. */
  warn?: PolicyMessage[];
  /**
   * `before`: a dry run's word on what the form would send; `after`: the
   * answer to what was sent (a denial, or the warnings of an accepted change).
   */
  when: 'before' | 'after';
  /** What is decided on, as a noun: "deployment", "request", "promotion". */
  subject: string;
  /** A dry run is on its way for a newer draft than the messages shown. */
  isPending?: boolean;
};

const listStyle = {
  listStyle: 'none',
  margin: 0,
  padding: 0,
  display: 'grid',
  gap: 'var(--bui-space-2)',
};

function MessageList({ messages }: { messages: PolicyMessage[] }) {
  return (
    <ul style={listStyle}>
      {messages.map(({ rule, message }) => (
        <li key={`${rule}:${message}`}>
          <Text as="p" variant="body-medium" weight="bold">
            {message}
          </Text>
          <Text as="p" variant="body-x-small" color="secondary">
            <code>{rule}</code>
          </Text>
        </li>
      ))}
    </ul>
  );
}

/**
 * What the platform's policies say about a change, where the change is made:
 * denials in red (announced at once, `role="alert"`), warnings in amber
 * (`role="status"`), each with its message first and the rule's id below it.
 * Nothing when there is nothing to say.
 */
export function PolicyMessages(props: PolicyMessagesProps) {
  const { deny = [], warn = [], when, subject, isPending } = props;
  if (deny.length === 0 && warn.length === 0) return null;
  const rules = (n: number) => (n === 1 ? 'a rule' : `${n} rules`);
  return (
    <Flex direction="column" gap="2">
      {deny.length > 0 && (
        <Alert
          role="alert"
          status="danger"
          icon
          isPending={isPending}
          title={
            when === 'before'
              ? `The platform's policies would deny this ${subject} (${rules(
                  deny.length,
                )})`
              : `The ${subject} was denied by the platform's policies (${rules(
                  deny.length,
                )})`
          }
          description={<MessageList messages={deny} />}
        />
      )}
      {warn.length > 0 && (
        <Alert
          role="status"
          status="warning"
          icon
          isPending={isPending && deny.length === 0}
          title={
            when === 'before'
              ? `The platform's policies warn about this ${subject}`
              : `The platform's policies warned about this ${subject}`
          }
          description={<MessageList messages={warn} />}
        />
      )}
    </Flex>
  );
}
