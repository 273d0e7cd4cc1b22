// The people who can sign in: the User entities of the seed catalog's organization file,
// read at start, so the issuer and the catalog can never disagree on who exists.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';

/**
 * @typedef {{ name: string, email: string, displayName: string, groups: string[] }} Person
 */

/**
 * Reads the User entities of a catalog file (multi-document YAML).
 * @param {string} file
 * @returns {Promise<Person[]>}
 */
export async function readPeople(file) {
  const text = await readFile(file, 'utf8');
  const people = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new Error(`${file}: ${doc.errors[0].message}`);
    }
    const entity = doc.toJS();
    if (entity?.kind !== 'User') continue;
    const name = entity.metadata?.name;
    const email = entity.spec?.profile?.email;
    if (!name || !email) {
      // The production resolver matches on the email: a person without one cannot sign in.
      throw new Error(
        `${file}: User '${
          name ?? '?'
        }' needs metadata.name and spec.profile.email to sign in`,
      );
    }
    people.push({
      name,
      email,
      displayName: entity.spec.profile.displayName ?? name,
      groups: entity.spec.memberOf ?? [],
    });
  }
  if (people.length === 0) throw new Error(`${file}: no User entities`);
  return people;
}

/**
 * The person a login names, by user name or email (case-insensitive).
 * @param {Person[]} people
 * @param {string} login
 */
export function findPerson(people, login) {
  const wanted = login.trim().toLowerCase();
  return people.find(
    p => p.name.toLowerCase() === wanted || p.email.toLowerCase() === wanted,
  );
}
