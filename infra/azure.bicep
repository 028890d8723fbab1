// Azure resources for the License Migration bot: an App Service plan, a Linux web app on the current
// Node LTS with a system-assigned managed identity (the bot's Graph and storage credential), a storage
// account for its state, and the Azure Bot registration that routes Teams traffic to the web app.
// Deployed by arm/deploy in m365agents.yml; written for the Bicep CLI that action pins (v0.9.1), so
// objects are multi-line and there are no newer language features.

@maxLength(20)
@minLength(4)
@description('Prefix for all resource names; the Toolkit appends RESOURCE_SUFFIX to keep them unique.')
param resourceBaseName string

@description('Client id of the bot\'s Entra app (aadApp/create writes it as BOT_ID).')
param botAadAppClientId string

@secure()
@description('Client secret of the bot\'s Entra app (SECRET_BOT_PASSWORD).')
param botAadAppClientSecret string

@description('Tenant of the bot\'s Entra app (TEAMS_APP_TENANT_ID, the tenant you signed in to). A single-tenant bot only accepts tokens from this tenant, and it is the tenant migrated. The web app\'s managed identity reaches Graph in the subscription\'s tenant, so the subscription must be in this tenant too.')
param botTenantId string

@minLength(36)
@description('Object id of the Entra group whose members may run the migration (ADMIN_GROUP_ID; required).')
param adminGroupId string

@minLength(36)
@description('Object id of the Entra group whose members may approve removal waves (APPROVER_GROUP_ID; required).')
param approverGroupId string

@allowed([
  'Standard_ZRS'
  'Standard_LRS'
])
@description('Redundancy of the state storage account (STORAGE_SKU). Standard_ZRS keeps the state through the loss of a zone; it exists only in regions with availability zones, so choose Standard_LRS where the region has none (arm/deploy fails there with ZRS).')
param storageSku string = 'Standard_ZRS'

@allowed([
  'create'
  'skip'
])
@description('Whether this deployment gives the web app\'s identity Storage Blob Data Contributor on the state account (STORAGE_ROLE_ASSIGNMENT). create needs Owner or User Access Administrator on the resource group (Microsoft.Authorization/roleAssignments/write); with skip, someone who has it assigns the role afterwards (the command is in env/README.md).')
param storageRoleAssignment string = 'create'

@allowed([
  'NODE|24-lts'
  'NODE|22-lts'
])
@description('App Service Linux runtime: the current Node LTS. Node 20 reached end of life on 2026-04-30.')
param linuxFxVersion string = 'NODE|24-lts'

@description('App Service plan SKU. B1 or above: Always On keeps proactive posts and wave timers alive.')
param webAppSKU string = 'B1'

@maxLength(42)
param botDisplayName string = 'License Migration'

param location string = resourceGroup().location

var stateContainerName = 'license-migration'
// Storage Blob Data Contributor: read, write and lease blobs, no account keys needed.
var blobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

// Every piece of the bot's state (migration record, journal, conversation state, runner lease) lives
// here, reached with the web app's managed identity; shared keys are turned off.
resource stateAccount 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: toLower('${resourceBaseName}st')
  location: location
  kind: 'StorageV2'
  sku: {
    name: storageSku
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource stateBlobService 'Microsoft.Storage/storageAccounts/blobServices@2023-01-01' = {
  parent: stateAccount
  name: 'default'
}

resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-01-01' = {
  parent: stateBlobService
  name: stateContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource serverfarm 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSKU
  }
  properties: {
    reserved: true // required for a Linux plan
  }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: resourceBaseName
  location: location
  kind: 'app,linux'
  // The bot calls Graph as this identity. An admin grants it the Graph application permissions listed
  // in the README ("Running against a real tenant"); Bicep cannot grant those. The principal id is an
  // output below.
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: linuxFxVersion
      // The heap bound keeps the process under 512 MB of RSS (heap + code + buffers), measured by
      // bench/migration.js, which starts the bot with these flags; package.json's start:bot is the same.
      appCommandLine: 'node --max-old-space-size=384 lib/index.js'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      appSettings: [
        {
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1' // run the uploaded zip as is: it already has lib/ and node_modules/
        }
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false'
        }
        {
          // glibc raises its mmap threshold each time a large buffer is freed, and from then on buffers
          // of megabytes (the journal's 4 MB ranges, whole pages of users) come from its main heap and
          // stay resident once freed: ~100 MB more RSS at 500,000 users. A fixed threshold keeps them
          // mapped apart and given back when freed (bench/RESULTS.md; the benchmark starts the bot so).
          name: 'MALLOC_MMAP_THRESHOLD_'
          value: '131072'
        }
        {
          name: 'RUNNING_ON_AZURE'
          value: '1'
        }
        {
          name: 'HOST'
          value: '0.0.0.0' // App Service sets PORT; the bot must listen on all interfaces
        }
        {
          name: 'BOT_ID'
          value: botAadAppClientId
        }
        {
          name: 'BOT_PASSWORD'
          value: botAadAppClientSecret
        }
        {
          name: 'BOT_TYPE'
          value: 'SingleTenant'
        }
        {
          name: 'BOT_TENANT_ID'
          value: botTenantId
        }
        {
          name: 'TENANT_ID'
          value: botTenantId
        }
        {
          name: 'GRAPH_BASE_URL'
          value: 'https://graph.microsoft.com'
        }
        {
          // The managed identity lives in the subscription's tenant, so TENANT_ID must be that tenant.
          name: 'GRAPH_CREDENTIAL'
          value: 'managed-identity'
        }
        {
          name: 'ADMIN_GROUP_ID'
          value: adminGroupId
        }
        {
          name: 'APPROVER_GROUP_ID'
          value: approverGroupId
        }
        {
          name: 'STORAGE_ACCOUNT_URL'
          value: stateAccount.properties.primaryEndpoints.blob
        }
        {
          name: 'STORAGE_CONTAINER'
          value: stateContainerName
        }
      ]
    }
  }
}

// Needs Owner or User Access Administrator; skipped with storageRoleAssignment = 'skip' (see above).
resource stateAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (storageRoleAssignment == 'create') {
  scope: stateAccount
  name: guid(stateAccount.id, webApp.id, blobDataContributorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributorRoleId)
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// The Bot Framework registration: Teams sends activities to the web app's /api/messages.
resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAadAppClientId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botTenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// arm/deploy writes these to env/.env.<env>; zipDeploy reads BOT_AZURE_APP_SERVICE_RESOURCE_ID.
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_MANAGED_IDENTITY_PRINCIPAL_ID string = webApp.identity.principalId
// The scope for the manual role assignment when storageRoleAssignment is 'skip'.
output BOT_STATE_STORAGE_ACCOUNT_ID string = stateAccount.id
