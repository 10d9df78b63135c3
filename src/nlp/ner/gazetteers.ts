/** Word lists the legal rules are built from: reporters, states, legal suffixes, titles, role words. */

export const US_STATES = [
  'Alabama', 'Alaska', 'Arizona', 'Arkansas', 'California', 'Colorado', 'Connecticut', 'Delaware', 'Florida', 'Georgia',
  'Hawaii', 'Idaho', 'Illinois', 'Indiana', 'Iowa', 'Kansas', 'Kentucky', 'Louisiana', 'Maine', 'Maryland',
  'Massachusetts', 'Michigan', 'Minnesota', 'Mississippi', 'Missouri', 'Montana', 'Nebraska', 'Nevada', 'New Hampshire',
  'New Jersey', 'New Mexico', 'New York', 'North Carolina', 'North Dakota', 'Ohio', 'Oklahoma', 'Oregon', 'Pennsylvania',
  'Rhode Island', 'South Carolina', 'South Dakota', 'Tennessee', 'Texas', 'Utah', 'Vermont', 'Virginia', 'Washington',
  'West Virginia', 'Wisconsin', 'Wyoming', 'Columbia', 'Puerto Rico', 'Guam',
];

/** Case reporters and citation sources, most specific first (the regex alternation tries them in order). */
export const REPORTERS = [
  'U.S.', 'S. Ct.', 'S.Ct.', 'L. Ed. 2d', 'L. Ed.', 'L.Ed.2d',
  'F. Supp. 3d', 'F. Supp. 2d', 'F. Supp.', 'F.4th', 'F.3d', 'F.2d', 'F.', "F. App'x", 'F. App’x', 'Fed. Appx.', 'Fed. Cl.',
  'B.R.', 'T.C.', 'M.J.', 'Vet. App.',
  'A.3d', 'A.2d', 'A.', 'N.E.3d', 'N.E.2d', 'N.E.', 'N.W.2d', 'N.W.', 'S.E.2d', 'S.E.', 'S.W.3d', 'S.W.2d', 'S.W.',
  'P.3d', 'P.2d', 'P.', 'So. 3d', 'So. 2d', 'So.', 'Cal. Rptr. 3d', 'Cal. Rptr. 2d', 'Cal. App. 4th', 'Cal. 4th',
  'N.Y.S.3d', 'N.Y.S.2d', 'N.Y.3d', 'N.Y.2d', 'A.D.3d', 'Ill. Dec.', 'Ill. 2d', 'Mass.', 'Pa.', 'Wash. 2d',
  'WL', 'U.S. Dist. LEXIS', 'U.S. App. LEXIS', 'LEXIS',
];

/** Legal-form suffixes that end an organisation's name ("Acme Holdings, Inc."). */
export const ORG_SUFFIXES = [
  'Inc.', 'Inc', 'Incorporated', 'Corp.', 'Corp', 'Corporation', 'Co.', 'Company', 'LLC', 'L.L.C.', 'Ltd.', 'Ltd', 'Limited',
  'LLP', 'L.L.P.', 'LP', 'L.P.', 'N.A.', 'S.A.', 'SA', 'AG', 'GmbH', 'N.V.', 'B.V.', 'plc', 'PLC', 'P.C.', 'P.A.', 'PLLC', 'S.p.A.', 'S.A.S.',
];

/** Words that end an organisation's name without a legal form ("Fifth Third Bank"). */
export const ORG_HEAD_WORDS = [
  'Bank', 'Association', 'Trust', 'Partners', 'Partnership', 'Group', 'Holdings', 'Foundation', 'Institute', 'Institutes',
  'University', 'Authority', 'Agency', 'Department', 'Joint Venture', 'Commission', 'Committee', 'Council', 'Union',
  'Services', 'Service', 'Systems', 'Technologies', 'Industries', 'Enterprises', 'Farms', 'Hospital', 'College', 'Church',
  'Chapel', 'Board', 'Bureau', 'Corporation', 'Office', 'Ministry', 'Fund', 'Society', 'Club', 'Labs', 'Laboratories', 'Pharmaceuticals',
];

/** Capitalised words that start sentences or roles, never a name (trimmed off the front of a candidate). */
export const NOT_NAME_START = new Set([
  'The', 'This', 'That', 'These', 'Those', 'Such', 'Each', 'Any', 'Said', 'Our', 'Your', 'Its', 'Their', 'His', 'Her', 'A', 'An',
  'In', 'On', 'By', 'And', 'Or', 'Of', 'For', 'With', 'Between', 'Among', 'To', 'From', 'At', 'As', 'If', 'When', 'Upon', 'Under',
  'Whereas', 'WHEREAS', 'Now', 'NOW', 'Therefore', 'THEREFORE', 'Dear', 'Re', 'RE', 'Notice', 'NOTICE', 'Order', 'ORDER', 'Motion',
  'MOTION', 'Plaintiff', 'PLAINTIFF', 'Plaintiffs', 'Defendant', 'DEFENDANT', 'Defendants', 'Debtor', 'Debtors', 'Appellant',
  'Appellee', 'Petitioner', 'Respondent', 'Movant', 'Creditor', 'Trustee', 'Filer', 'THE', 'THIS', 'BY', 'AND', 'OF', 'TO', 'IN',
  'Mr.', 'Mrs.', 'Ms.', 'Dr.', 'Hon.', 'Judge', 'JUDGE', 'Justice', 'Counsel', 'Attorney', 'Exhibit', 'Section', 'Article',
  'Schedule', 'Signed', 'Dated', 'Date', 'Case', 'Name', 'Number', 'Docket', 'Text', 'Document', 'Redacted', 'Opposed', 'Sealed',
  'Amended', 'Complaint', 'Declaration', 'Activity', 'Copy', 'Public', 'Version', 'Main', 'Electronic', 'Ch-7', 'Ch-11',
  'Company', 'Executive', 'Employee', 'Employer', 'Buyer', 'Seller', 'Builder', 'Licensor', 'Licensee', 'Borrowers', 'Lenders',
  'Guarantor', 'Contractor', 'Purchaser', 'Customer', 'Vendor', 'Supplier', 'COMPANY', 'BUYER', 'BUILDER', 'SELLER',
  'Chief', 'Officer', 'President', 'Vice', 'Director', 'Secretary', 'Treasurer', 'Chairman', 'Manager',
  'Interested', 'Party', 'Parties', 'Creditors', 'Claimant', 'Intervenor', 'Receiver', 'Agent', 'Lender', 'Borrower', 'See', 'Cf.', 'Also', 'But',
  'No', 'Nos', 'NO', 'Attorneys', 'ATTORNEYS', 'COUNSEL', 'Advocate', 'Advocates', 'Versus', 'VERSUS', 'Between', 'BETWEEN', 'Through', 'THROUGH', 'Smt.', 'Sri', 'Sri.', 'Shri', 'Coram', 'CORAM', 'Present',
  // party role words of common-law cause titles ("A ..... Applicant Versus B ..... Respondent")
  'Applicant', 'Applicants', 'APPLICANT', 'Appellants', 'APPELLANT', 'APPELLANTS', 'Petitioners', 'PETITIONER', 'PETITIONERS',
  'Respondents', 'RESPONDENT', 'RESPONDENTS', 'Complainant', 'COMPLAINANT', 'Accused', 'ACCUSED', 'Claimants', 'Appellees', 'Vs', 'VS',
]);

/** Defined terms that name a party by its role (`(the "Company")`). */
export const ROLE_TERMS = new Set([
  'company', 'corporation', 'bank', 'borrower', 'lender', 'executive', 'employee', 'employer',
  'buyer', 'seller', 'builder', 'trustor', 'trustee', 'beneficiary', 'licensor', 'licensee', 'landlord', 'tenant',
  'contractor', 'subcontractor', 'owner', 'purchaser', 'guarantor', 'agent', 'administrative agent', 'parent', 'consultant',
  'customer', 'vendor', 'supplier', 'client', 'provider', 'debtor', 'lessor', 'lessee', 'grantor', 'grantee', 'issuer',
  'holder', 'investor', 'manager', 'member', 'partner', 'distributor', 'developer', 'servicer', 'mortgagor', 'mortgagee',
]);

export const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December',
  'Jan.', 'Feb.', 'Mar.', 'Apr.', 'Jun.', 'Jul.', 'Aug.', 'Sep.', 'Sept.', 'Oct.', 'Nov.', 'Dec.',
];

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An alternation matching each phrase, with flexible spaces ("S. Ct." also matches "S.Ct."), longest first. */
export function alternation(phrases: readonly string[]): string {
  return [...phrases]
    .sort((a, b) => b.length - a.length)
    .map((p) => escapeRegex(p).replace(/\\\. /g, '\\.\\s?').replace(/ /g, '\\s+'))
    .join('|');
}

/** Title case and upper case forms of each word ("Bank", "BANK"). */
export function withUpper(words: readonly string[]): string[] {
  return [...new Set(words.flatMap((w) => [w, w.toUpperCase()]))];
}
