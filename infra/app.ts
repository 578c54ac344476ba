import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { pipelineSettingsFromContext } from './pipeline-settings.js';
import { PipelineStack } from './pipeline-stack.js';

/**
 * The CDK app: one stack, checked by cdk-nag's AwsSolutions rules on every synth. `-c stackName=…`
 * deploys a second one beside it (a local deployment of another configuration).
 */
const app = new App();
new PipelineStack(app, String(app.node.tryGetContext('stackName') ?? 'ZielvereinbarungenPipeline'), {
  settings: pipelineSettingsFromContext(app.node),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
