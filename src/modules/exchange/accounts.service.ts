import { GraphQLError } from 'graphql';
import type { ExchangeAccount, LedgerEntry } from '../../generated/prisma/client';
import type { ServiceDeps } from '../../context';
import { badUserInput, conflict, ErrorCode, notFound } from '../../errors';
import { isUniqueViolation, TRANSACTION_OPTIONS } from '../../db/prisma-errors';
import { toGlobalId } from '../../graphql/global-id';
import { decimalInput, optionalText, requiredText } from '../../graphql/validate';
import type { CreateExchangeAccountInput, DepositInput, WithdrawInput } from '../../generated/graphql';
import { ASSET_PATTERN, lockOwnAccount, requireFunds } from './ledger';

/** The viewer's accounts, oldest first (a user has few: a plain list). */
export function listAccounts({ prisma, viewer }: ServiceDeps): Promise<ExchangeAccount[]> {
  return prisma.exchangeAccount.findMany({ where: { userId: viewer.id }, orderBy: { id: 'asc' } });
}

/** Opens an account (the summary lists accounts: the insert's commit replaces the balance version). */
export async function createExchangeAccount({ prisma, viewer }: ServiceDeps, input: CreateExchangeAccountInput): Promise<ExchangeAccount> {
  const exchange = requiredText(input.exchange, 'input.exchange', 32).toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(exchange)) throw badUserInput('input.exchange: letters, digits and dashes only', 'input.exchange');
  const label = requiredText(input.label, 'input.label', 64);
  try {
    return await prisma.exchangeAccount.create({ data: { userId: viewer.id, exchange, label } });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`You already have a ${exchange} account labelled ${label}`);
    throw error;
  }
}

/**
 * Books a deposit; a retry with the same reference returns the first entry and books nothing.
 * The insert's own commit updates the running balance and replaces the balance version (see
 * the running_balances migration), so no answer, first or retried, can precede either.
 */
export async function deposit({ prisma, viewer }: ServiceDeps, accountId: number, input: DepositInput): Promise<LedgerEntry> {
  const asset = requiredText(input.asset, 'input.asset', 15);
  if (!ASSET_PATTERN.test(asset)) throw badUserInput('input.asset: expected an asset code in capitals, e.g. USDT', 'input.asset');
  const amount = decimalInput(input.amount, 'input.amount', { greaterThan: 0 });
  const reference = optionalText(input.reference, 'input.reference', 100) ?? null;
  const account = await prisma.exchangeAccount.findFirst({ where: { id: accountId, userId: viewer.id }, select: { id: true } });
  if (!account) throw notFound('Exchange account');
  try {
    return await prisma.ledgerEntry.create({ data: { accountId, asset, amount, kind: 'DEPOSIT', reference } });
  } catch (error) {
    if (!isUniqueViolation(error) || reference === null) throw error;
    const first = await prisma.ledgerEntry.findFirstOrThrow({ where: { accountId, reference } });
    if (first.kind !== 'DEPOSIT' || first.asset !== asset || !first.amount.equals(amount)) throw referenceConflict(reference, first);
    return first;
  }
}

/** CONFLICT naming `input.reference` and the entry that already holds it. */
function referenceConflict(reference: string, first: LedgerEntry): GraphQLError {
  return new GraphQLError(`input.reference: ${JSON.stringify(reference)} was already used for a different entry on this account`, {
    extensions: { code: ErrorCode.CONFLICT, field: 'input.reference', entryId: toGlobalId('LedgerEntry', first.id) },
  });
}

/**
 * Books a withdrawal: a WITHDRAWAL entry of minus `amount`, from free funds only. One
 * transaction: the account's row lock first (NOT_FOUND when it is not the viewer's), so every
 * spend of the account runs one at a time; then an entry already booked with the reference
 * answers a retry (even once the funds it took are gone); then the free balance (total minus
 * what LIMIT orders lock) must cover it, or INSUFFICIENT_FUNDS; then the insert. The reference is
 * required: a withdrawal that a retry could book twice pays out twice. The insert's commit updates
 * the running balance and the balance version (running_balances migration), as for a deposit.
 */
export async function withdraw({ prisma, viewer }: ServiceDeps, accountId: number, input: WithdrawInput): Promise<LedgerEntry> {
  const asset = requiredText(input.asset, 'input.asset', 15);
  if (!ASSET_PATTERN.test(asset)) throw badUserInput('input.asset: expected an asset code in capitals, e.g. USDT', 'input.asset');
  const amount = decimalInput(input.amount, 'input.amount', { greaterThan: 0 });
  const reference = requiredText(input.reference, 'input.reference', 100);
  const booked = amount.negated();
  /** The entry already booked with this reference, if it is this withdrawal; CONFLICT if it is another entry. */
  const retryOf = (first: LedgerEntry) => {
    if (first.kind !== 'WITHDRAWAL' || first.asset !== asset || !first.amount.equals(booked)) throw referenceConflict(reference, first);
    return first;
  };
  try {
    return await prisma.$transaction(async (tx) => {
      if (!(await lockOwnAccount(tx, accountId, viewer.id))) throw notFound('Exchange account');
      const earlier = await tx.ledgerEntry.findUnique({ where: { accountId_reference: { accountId, reference } } });
      if (earlier) return retryOf(earlier);
      await requireFunds(tx, accountId, asset, amount);
      return tx.ledgerEntry.create({ data: { accountId, asset, amount: booked, kind: 'WITHDRAWAL', reference } });
    }, TRANSACTION_OPTIONS);
  } catch (error) {
    // Deposits take no account lock: one with this reference can commit between our read and insert.
    if (!isUniqueViolation(error)) throw error;
    return retryOf(await prisma.ledgerEntry.findFirstOrThrow({ where: { accountId, reference } }));
  }
}
