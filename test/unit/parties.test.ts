import { describe, expect, it } from 'vitest';
import { GEBIETSKOERPERSCHAFTEN } from '../../shared/data/gebietskoerperschaften.js';
import { matchMinistry, ministryNominative, resolveRecipient } from '../../shared/extract/parties.js';

describe('recipients', () => {
  it('ships all 26 Gebietskörperschaften: 21 Landkreise and 5 kreisfreie Städte', () => {
    expect(GEBIETSKOERPERSCHAFTEN).toHaveLength(26);
    expect(GEBIETSKOERPERSCHAFTEN.filter((entity) => entity.kind === 'landkreis')).toHaveLength(21);
    expect(GEBIETSKOERPERSCHAFTEN.filter((entity) => entity.kind === 'kreisfreie_stadt')).toHaveLength(5);
  });

  it.each(GEBIETSKOERPERSCHAFTEN.map((entity) => [entity.name]))('resolves its own official name %s', (name) => {
    expect(resolveRecipient(name).entity?.name).toBe(name);
  });

  it.each([
    ['dem Landkreis Main-Taunus-Kreis', 'Main-Taunus-Kreis'],
    ['dem Main-Taunus-Kreis', 'Main-Taunus-Kreis'],
    ['des Main-Taunus-Kreises', 'Main-Taunus-Kreis'],
    ['dem Kreis Bergstraße', 'Kreis Bergstraße'],
    ['dem Landkreis Bergstrasse', 'Kreis Bergstraße'],
    ['dem Landkreis Kassel', 'Landkreis Kassel'],
    ['der Stadt Kassel', 'Stadt Kassel'],
    ['dem Kreis Offenbach', 'Kreis Offenbach'],
    ['der Stadt Offenbach', 'Stadt Offenbach am Main'],
    ['der Stadt Offenbach am Main', 'Stadt Offenbach am Main'],
    ['der Wissenschaftsstadt Darmstadt', 'Wissenschaftsstadt Darmstadt'],
    ['dem Landkreis Darmstadt-Dieburg', 'Landkreis Darmstadt-Dieburg'],
    ['der Landeshauptstadt Wiesbaden', 'Landeshauptstadt Wiesbaden'],
    ['der Stadt Frankfurt am Main', 'Stadt Frankfurt am Main'],
    ['des Landkreises Gießen', 'Landkreis Gießen'],
    ['dem Hochtaunuskreis', 'Hochtaunuskreis'],
    ['dem Main-Taunus-Krels', 'Main-Taunus-Kreis'],
    ['dem Wetterauk reis', 'Wetteraukreis'],
  ])('resolves "%s" to %s', (phrase, name) => {
    expect(resolveRecipient(phrase).entity?.name).toBe(name);
  });

  it('says when a bare place name could be the county or the city', () => {
    const resolution = resolveRecipient('Kassel');
    expect(resolution.entity).toBeUndefined();
    expect(resolution.ambiguousBetween?.map((entity) => entity.name).sort()).toEqual(['Landkreis Kassel', 'Stadt Kassel']);
    expect(resolveRecipient('Kassel', 'kreisfreie_stadt').entity?.name).toBe('Stadt Kassel');
  });

  it('finds nothing in a place outside Hesse', () => {
    expect(resolveRecipient('dem Landkreis München')).toEqual({});
  });
});

describe('ministries', () => {
  it.each([
    ['dem Hessischen Sozialministerium', 'Hessisches Sozialministerium'],
    ['dem Hessischen Ministerium für Soziales und Integration', 'Hessisches Ministerium für Soziales und Integration'],
    ['dem Hessischen Ministerium für Arbeit, Integration, Jugend und Soziales', 'Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales'],
  ])('turns "%s" into the nominative and knows it', (phrase, name) => {
    expect(ministryNominative(phrase)).toBe(name);
    expect(matchMinistry(ministryNominative(phrase))?.name).toBe(name);
  });

  it('recognises a ministry name through OCR noise', () => {
    expect(matchMinistry('Hessisches Ministerlum für Soziales und lntegration')?.shortName).toBe('HMSI');
  });
});
