// Image-build smoke test: the template contract deploys to the baked-in near-sandbox node and answers a view.
// Per-spec integration tests are mounted as /work/integration.rs at run time (see docs/dapp_build.md).
use serde_json::json;

#[tokio::test]
async fn template_deploys_and_answers() -> Result<(), Box<dyn std::error::Error>> {
    let wasm = near_workspaces::compile_project("./").await?;
    let sandbox = near_workspaces::sandbox().await?;
    let contract = sandbox.dev_deploy(&wasm).await?;
    contract.call("new").args_json(json!({})).transact().await?.into_result()?;
    let value: u64 = contract.view("get").await?.json()?;
    assert_eq!(value, 0);
    Ok(())
}
