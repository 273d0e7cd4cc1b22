import { Alert, Button, Flex, TextAreaField } from '@backstage/ui';
import { approvalDecisionRequestSchema } from '@internal/backstage-plugin-environments-common';
import { useState } from 'react';
import { failureMessage } from '../EnvironmentActions/failureMessage';

/** What an approver decides. */
export type Outcome = 'approve' | 'reject';

/** The comment's problem by the contract's rule, such as "Comment must not be empty". */
function commentProblem(comment: string): string | undefined {
  const parsed = approvalDecisionRequestSchema.safeParse({ comment });
  return parsed.success
    ? undefined
    : `Comment ${parsed.error.issues[0]?.message ?? 'is not valid'}`;
}

/**
 * Approve or reject, with the comment the API requires for both. The
 * comment is checked with the API's own schema before anything is sent; a
 * refusal (403 for one's own request or outside the approver groups, 409
 * when it was decided meanwhile) is shown in the backend's words, and the
 * form stays so that nothing typed is lost.
 */
export function DecisionForm(props: {
  /** What is decided, for the buttons' accessible names: "orders-service 1.4.2 in production". */
  subject: string;
  decide: (outcome: Outcome, comment: string) => Promise<unknown>;
  onDecided: (outcome: Outcome, comment: string) => void;
}) {
  const { subject, decide, onDecided } = props;
  const [comment, setComment] = useState('');
  const [touched, setTouched] = useState(false);
  const [pending, setPending] = useState<Outcome>();
  const [failure, setFailure] = useState<{ outcome: Outcome; text: string }>();
  const problem = touched ? commentProblem(comment) : undefined;

  const submit = async (outcome: Outcome) => {
    setTouched(true);
    setFailure(undefined);
    if (commentProblem(comment)) return;
    setPending(outcome);
    try {
      await decide(outcome, comment.trim());
      onDecided(outcome, comment.trim());
    } catch (e) {
      setFailure({ outcome, text: failureMessage(e) });
    } finally {
      setPending(undefined);
    }
  };

  return (
    <Flex direction="column" gap="2">
      <TextAreaField
        label="Comment"
        description="Required to approve or to reject; the requester sees it."
        isRequired
        rows={2}
        value={comment}
        onChange={value => {
          setComment(value);
          setTouched(true);
        }}
        validationBehavior="aria"
        validate={() => problem ?? null}
      />
      {failure && (
        <Alert
          status="danger"
          title={
            failure.outcome === 'approve' ? 'Not approved' : 'Not rejected'
          }
          description={failure.text}
          role="alert"
        />
      )}
      <Flex gap="2">
        <Button
          variant="primary"
          aria-label={`Approve ${subject}`}
          isPending={pending === 'approve'}
          isDisabled={pending === 'reject'}
          onPress={() => submit('approve')}
        >
          Approve
        </Button>
        <Button
          variant="secondary"
          destructive
          aria-label={`Reject ${subject}`}
          isPending={pending === 'reject'}
          isDisabled={pending === 'approve'}
          onPress={() => submit('reject')}
        >
          Reject
        </Button>
      </Flex>
    </Flex>
  );
}
