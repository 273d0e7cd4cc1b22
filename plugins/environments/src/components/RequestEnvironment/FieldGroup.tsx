import { Card, CardBody, CardHeader, Text } from '@backstage/ui';
import { ReactNode } from 'react';

/** One titled card of the request form. */
export function FieldGroup(props: { title: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          {props.title}
        </Text>
      </CardHeader>
      <CardBody>{props.children}</CardBody>
    </Card>
  );
}
