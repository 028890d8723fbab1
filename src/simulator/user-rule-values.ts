import type { DirectoryUser } from './directory-model';
import type { RuleSubject } from './membership-rule';

/**
 * What a membership rule reads from a simulated user, by the rules' property names. `mail` is the UPN and
 * `userType` is Member, as the user view serves them; properties the simulator does not keep (mobile,
 * postalCode, …) are not set.
 */
export function ruleSubjectOf(user: DirectoryUser): RuleSubject {
  const attributes = user.attributes;
  return (property) => {
    if (property.startsWith('extensionAttribute'))
      return attributes.onPremisesExtensionAttributes[property] ?? null;
    switch (property) {
      case 'accountEnabled':
        return user.accountEnabled;
      case 'objectId':
        return user.id;
      case 'userPrincipalName':
      case 'mail':
        return user.userPrincipalName;
      case 'mailNickName':
        return user.userPrincipalName.split('@')[0];
      case 'userType':
        return 'Member';
      case 'displayName':
        return user.displayName;
      case 'givenName':
        return user.givenName;
      case 'surname':
        return user.surname;
      case 'department':
        return user.department;
      case 'jobTitle':
        return user.jobTitle;
      case 'usageLocation':
        return user.usageLocation;
      case 'physicalDeliveryOfficeName':
        return attributes.officeLocation;
      case 'companyName':
      case 'city':
      case 'state':
      case 'country':
      case 'employeeId':
        return attributes[property];
      default:
        return null;
    }
  };
}
